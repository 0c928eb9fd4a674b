package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// state is where the current exchange stands.
type state uint8

const (
	stateIdle state = iota
	stateConnecting
	stateWaiting
	stateStreaming
	stateDone
	stateStopped
	stateFailed
)

var stateNames = [...]string{
	stateIdle:       "ready",
	stateConnecting: "connecting",
	stateWaiting:    "waiting",
	stateStreaming:  "streaming",
	stateDone:       "done",
	stateStopped:    "stopped",
	stateFailed:     "error",
}

func (s state) String() string { return stateNames[s] }

// status is how an exchange that ended in state s is saved and shown: the
// one place where the chat's states meet the store's statuses. A state
// that has not ended has none.
func (s state) status() store.Status {
	switch s {
	case stateDone:
		return store.StatusComplete
	case stateStopped:
		return store.StatusStopped
	case stateFailed:
		return store.StatusFailed
	}
	return ""
}

// running reports whether an answer is being requested or streamed.
func (s state) running() bool {
	return s == stateConnecting || s == stateWaiting || s == stateStreaming
}

// stats are the measurements of one exchange shown in the status line.
type stats struct {
	state    state
	started  time.Time
	first    time.Time // first text or reasoning delta
	last     time.Time // latest delta
	deltas   int       // text and reasoning deltas received
	usage    *provider.Usage
	notice   notice
	progress float64 // -1 when no progress was reported
	label    string
}

// status is the status line: model, state, timings, usage, notices and a
// progress bar.
type status struct {
	c     *common
	model string
	bar   progress.Model
	line  string // cached render

	// The last render of each part of the line: while an answer streams,
	// only its numbers change from one frame to the next, and lipgloss's
	// renders are most of what the line costs.
	parts map[string]part
	theme string // of parts
}

// part is a piece of text and its render.
type part struct{ text, out string }

// render renders text in st, as the part of the line named name.
func (s *status) render(name string, st lipgloss.Style, text string) string {
	if s.parts == nil || s.theme != s.c.styles.Theme {
		s.parts, s.theme = map[string]part{}, s.c.styles.Theme
	}
	if p, ok := s.parts[name]; ok && p.text == text {
		return p.out
	}
	out := st.Render(text)
	s.parts[name] = part{text, out}
	return out
}

func newStatus(c *common, model string) *status {
	s := &status{c: c, model: model}
	s.bar = progress.New(progress.WithWidth(20), progress.WithoutPercentage())
	return s
}

// update renders the status line for st, the transcript's scroll state
// and flash, a one-off notice.
func (s *status) update(st *stats, scrolled, newBelow bool, flash string) {
	sty := s.c.styles
	right := s.right(st, scrolled, newBelow, flash)
	fields := st.fields()
	// The right-hand side says what to do now: measured values give way
	// to it, the last first, when the line is too narrow for both.
	for n := len(fields); ; n-- {
		left := s.left(st, fields[:n])
		gap := s.c.width - lipgloss.Width(left) - lipgloss.Width(right)
		if gap >= 1 || n == 0 {
			line := left + s.render("gap", sty.Status, strings.Repeat(" ", max(gap, 0))) + right
			s.line = ansi.Truncate(line, s.c.width, "…")
			return
		}
	}
}

// left is the model, the state, the given fields and the progress bar.
func (s *status) left(st *stats, fields []string) string {
	sty := s.c.styles
	sep := s.render("sep", sty.StatusDim, " · ")
	parts := []string{s.render("model", sty.StatusModel, " "+s.model)}
	stateStyle, stateName := sty.StatusState, "state"
	if st.state == stateFailed {
		stateStyle, stateName = sty.StatusError, "error"
	}
	stateText := st.state.String()
	if st.first.IsZero() && st.state.running() {
		if d := s.c.now().Sub(st.started); d >= time.Second {
			stateText += " " + strconv.Itoa(int(d.Seconds())) + "s"
		}
	}
	parts = append(parts, s.render(stateName, stateStyle, stateText))
	for i, f := range fields {
		parts = append(parts, s.render(fieldNames[i%len(fieldNames)], sty.Status, f))
	}
	left := strings.Join(parts, sep)
	if st.progress >= 0 && st.state.running() {
		left += sty.Status.Render(" ") + s.bar.ViewAs(st.progress/100)
		if st.label != "" {
			left += sty.Status.Render(" " + st.label)
		}
	}
	return left
}

// right is the most pressing of: new content below, a flash, scrolling, a
// notice, and the key that matters now.
func (s *status) right(st *stats, scrolled, newBelow bool, flash string) string {
	sty := s.c.styles
	switch {
	case newBelow:
		return s.render("below", sty.Below, " ↓ new content below (end) ")
	case flash != "":
		return s.render("flash", sty.Status, " "+flash+" ")
	case scrolled:
		return s.render("scrolled", sty.StatusDim, " scrolled · end to follow ")
	case st.notice.text != "" && st.state.running():
		return s.render("notice", sty.Status, " "+st.notice.at(s.c.now())+" ")
	case st.state.running():
		return s.render("stop", sty.StatusDim, " esc stop ")
	}
	return s.render("help", sty.StatusDim, " ? help ")
}

// fieldNames name the parts of the line that show measured values.
var fieldNames = []string{"field0", "field1", "field2", "field3"}

// fields are the measured values: time to first token, speed, usage.
func (st *stats) fields() []string {
	var f []string
	if !st.first.IsZero() {
		f = append(f, "first token "+formatDuration(st.first.Sub(st.started)))
		// Under a tenth of a second the rate says more about buffering
		// than about the model. It counts deltas: a token each on the
		// OpenAI-style wires, sometimes a few on others.
		if d := st.last.Sub(st.first); d >= 100*time.Millisecond && st.deltas > 1 {
			f = append(f, fmt.Sprintf("%.0f tok/s", float64(st.deltas-1)/d.Seconds()))
		}
	}
	if st.usage != nil {
		u := "↑" + strconv.Itoa(st.usage.InputTokens) + " ↓" + strconv.Itoa(st.usage.OutputTokens)
		if st.usage.ReasoningTokens > 0 {
			u += " (" + strconv.Itoa(st.usage.ReasoningTokens) + " thinking)"
		}
		f = append(f, u+" tokens")
	} else if st.deltas > 0 {
		f = append(f, strconv.Itoa(st.deltas)+" chunks")
	}
	return f
}

func formatDuration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

func (s *status) view() string { return s.line }
