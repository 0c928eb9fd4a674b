package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// transcript shows the conversation. It keeps each entry's rendered lines
// and composes only the visible window, so a frame costs the visible area
// and the streaming answer however long the conversation grows.
type transcript struct {
	c       *common
	entries []*entry
	height  int

	// counts[i] is the number of lines entry i takes, gap included.
	counts []int
	total  int

	offset        int  // index of the top visible line
	follow        bool // keep the bottom in view as content grows
	newBelow      bool // content arrived below the window while not following
	showReasoning bool

	window string // the composed visible lines, returned by view
}

func newTranscript(c *common) *transcript {
	return &transcript{c: c, follow: true}
}

// setHeight sets the number of lines the transcript may use.
func (t *transcript) setHeight(h int) {
	t.height = max(h, 1)
	t.layout()
}

// add appends an entry and lays the transcript out again.
func (t *transcript) add(e *entry) {
	t.entries = append(t.entries, e)
	t.layout()
}

// reset empties the transcript.
func (t *transcript) reset() {
	t.entries, t.counts, t.total, t.offset = nil, nil, 0, 0
	t.follow, t.newBelow = true, false
	t.layout()
}

// removeFrom drops entries i and after.
func (t *transcript) removeFrom(i int) {
	if i < len(t.entries) {
		t.entries = t.entries[:i]
	}
	t.layout()
}

// layout renders what is dirty and composes the visible window. Entries
// whose cache is valid cost one comparison.
func (t *transcript) layout() {
	prev := t.total
	t.counts = t.counts[:0]
	t.total = 0
	for i, e := range t.entries {
		n := len(e.render(t.c, t.showReasoning))
		if i > 0 {
			n++ // a blank line between entries
		}
		t.counts = append(t.counts, n)
		t.total += n
	}
	maxOff := max(t.total-t.height, 0)
	switch {
	case t.follow:
		t.offset, t.newBelow = maxOff, false
	case t.offset >= maxOff:
		t.offset = maxOff
	case t.total > prev:
		t.newBelow = true
	}
	t.compose()
}

// compose builds the window from the cached lines of the entries it
// overlaps, without copying any entry's lines.
func (t *transcript) compose() {
	var b strings.Builder
	row, written := 0, 0
	for i, e := range t.entries {
		n := t.counts[i]
		if row+n <= t.offset {
			row += n
			continue
		}
		gap := 0
		if i > 0 {
			gap = 1
		}
		for j := max(t.offset-row, 0); j < n && written < t.height; j++ {
			if written > 0 {
				b.WriteByte('\n')
			}
			if j >= gap {
				b.WriteString(e.lines[j-gap])
			}
			written++
		}
		row += n
		if written == t.height {
			break
		}
	}
	for ; written < t.height; written++ {
		if written > 0 {
			b.WriteByte('\n')
		}
	}
	t.window = b.String()
}

// scroll moves the window by delta lines; reaching the bottom resumes
// following.
func (t *transcript) scroll(delta int) {
	maxOff := max(t.total-t.height, 0)
	t.offset = min(max(t.offset+delta, 0), maxOff)
	t.follow = t.offset == maxOff
	if t.follow {
		t.newBelow = false
	}
	t.compose()
}

// toBottom jumps to the end and follows again.
func (t *transcript) toBottom() {
	t.follow = true
	t.layout()
}

// atBottom reports whether the window shows the last line.
func (t *transcript) atBottom() bool { return t.follow || t.offset >= t.total-t.height }

// view returns the composed window.
func (t *transcript) view() string { return t.window }

func stripANSI(s string) string { return ansi.Strip(s) }
