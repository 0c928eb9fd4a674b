package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// transcript shows the conversation. Entries are rendered lazily: only
// those in or next to the visible window are rendered (and then cached);
// the others count with an estimated height until they scroll into view.
// So a frame costs the visible area and the streaming answer, and neither
// a resize nor opening a long conversation renders all of it.
type transcript struct {
	c       *common
	entries []*entry
	height  int

	// counts[i] is the number of lines entry i takes, the gap above it
	// included: exact once rendered, estimated before.
	counts []int
	total  int

	offset        int  // index of the top visible line
	follow        bool // keep the bottom in view as content grows
	newBelow      bool // content arrived below the window while not following: set by add and by the model's frames
	showReasoning bool
	hidden        bool // not drawn: the inline chat prints the entries itself

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
	t.newBelow = t.newBelow || !t.follow
	t.layout()
}

// reset empties the transcript.
func (t *transcript) reset() {
	t.entries, t.counts, t.total, t.offset = nil, nil, 0, 0
	t.follow, t.newBelow = true, false
	t.layout()
}

// remove takes the given entries out of the transcript; nil ones are
// ignored.
func (t *transcript) remove(gone ...*entry) {
	kept := t.entries[:0]
	for _, e := range t.entries {
		if !slices.Contains(gone, e) {
			kept = append(kept, e)
		}
	}
	clear(t.entries[len(kept):])
	t.entries = kept
	t.layout()
}

// layout renders the entries the window needs and composes it. It costs
// one comparison per entry plus the rendering of stale visible entries.
func (t *transcript) layout() {
	if t.c.wrap <= 0 || t.hidden {
		return // no size yet, or not drawn: nothing to lay out
	}
	t.measure()
	if t.follow {
		t.renderBottom()
	} else {
		// Rendering the window's entries may change their heights, and so
		// the window; two passes settle it in practice, three bound it.
		for range 3 {
			if !t.renderWindow() {
				break
			}
		}
	}
	maxOff := max(t.total-t.height, 0)
	if t.follow || t.offset >= maxOff {
		t.offset = maxOff
	}
	if t.follow {
		t.newBelow = false
	}
	t.compose()
}

// measure fills counts with each entry's height, exact or estimated.
func (t *transcript) measure() {
	t.counts = t.counts[:0]
	t.total = 0
	for i, e := range t.entries {
		n := e.height(t.c, t.showReasoning)
		if i > 0 {
			n++ // a blank line between entries
		}
		t.counts = append(t.counts, n)
		t.total += n
	}
}

// renderBottom renders entries from the last one up until they fill the
// window.
func (t *transcript) renderBottom() {
	rows := 0
	for i := len(t.entries) - 1; i >= 0 && rows < t.height; i-- {
		t.renderEntry(i)
		rows += t.counts[i]
	}
}

// renderWindow renders the stale entries overlapping the window and
// reports whether any height changed.
func (t *transcript) renderWindow() bool {
	changed := false
	row := 0
	for i := range t.entries {
		n := t.counts[i]
		if row+n > t.offset && row < t.offset+t.height {
			changed = t.renderEntry(i) || changed
		}
		row += n
		if row >= t.offset+t.height {
			break
		}
	}
	return changed
}

// renderEntry renders entry i if stale and reports whether its height
// changed.
func (t *transcript) renderEntry(i int) bool {
	e := t.entries[i]
	if e.fresh(t.c, t.showReasoning) {
		return false
	}
	n := len(e.render(t.c, t.showReasoning))
	if i > 0 {
		n++
	}
	if n == t.counts[i] {
		return false
	}
	t.total += n - t.counts[i]
	t.counts[i] = n
	return true
}

// compose builds the window from the cached lines of the entries it
// overlaps, without copying any entry's lines.
func (t *transcript) compose() {
	var b strings.Builder
	row, written := 0, 0
	clip := t.c.wrap > t.c.width // narrowed, not yet re-wrapped
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
		if !e.fresh(t.c, t.showReasoning) {
			e.render(t.c, t.showReasoning) // scrolled into view by compose itself
		}
		for j := max(t.offset-row, 0); j < n && written < t.height; j++ {
			if written > 0 {
				b.WriteByte('\n')
			}
			if k := j - gap; k >= 0 && k < len(e.lines) {
				if clip {
					b.WriteString(ansi.Truncate(e.lines[k], t.c.width, ""))
				} else {
					b.WriteString(e.lines[k])
				}
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
// following. The line that was at the top stays where the move puts it
// even when entries scrolling into view turn out taller or shorter than
// estimated.
func (t *transcript) scroll(delta int) {
	if t.c.wrap <= 0 || len(t.entries) == 0 {
		return
	}
	ai, aj := t.locate(t.offset)
	for range 3 {
		t.offset = t.clamp(t.startOf(ai) + aj + delta)
		if !t.renderWindow() {
			break
		}
	}
	t.offset = t.clamp(t.startOf(ai) + aj + delta)
	t.follow = t.offset == max(t.total-t.height, 0)
	t.layout()
}

// locate returns the entry holding line row and the line within it.
func (t *transcript) locate(row int) (entry, line int) {
	start := 0
	for i, n := range t.counts {
		if row < start+n {
			return i, row - start
		}
		start += n
	}
	return len(t.counts) - 1, 0
}

// startOf returns the first line of entry i.
func (t *transcript) startOf(i int) int {
	start := 0
	for _, n := range t.counts[:i] {
		start += n
	}
	return start
}

func (t *transcript) clamp(offset int) int {
	return min(max(offset, 0), max(t.total-t.height, 0))
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
