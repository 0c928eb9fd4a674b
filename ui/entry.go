package ui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/ui/markdown"
)

// entryKind tells what an entry of the transcript shows.
type entryKind uint8

const (
	entryUser   entryKind = iota + 1 // a prompt the user sent
	entryAnswer                      // a model's answer, streaming or finished
	entryError                       // why an answer failed, in plain words
	entryInfo                        // a line from Parley itself
)

// entry is one block of the transcript with its rendered lines cached for
// one width, theme and reasoning visibility. Only an entry marked dirty is
// rendered again, so a frame costs the streaming answer, not the transcript.
type entry struct {
	kind entryKind
	text string // the prompt, the error's title or the info line

	detail string // the error's explanation and advice; a prompt's attachments

	// Answers only.
	// md and reasoning sanitize what they are given (escape sequences and
	// controls never reach the screen) and render it incrementally; raw is
	// the answer as the model sent it, which is what the model is sent
	// back as history.
	md        *markdown.Renderer
	raw       strings.Builder
	reasoning *markdown.Renderer
	thinkToks int       // reasoning tokens as the provider's usage counts them; 0 when not reported
	thinkFrom time.Time // the first and the last reasoning delta (or the first words after them), live only
	thinkTo   time.Time
	thought   time.Duration // how long the model thought, as stored, for a restored answer
	status    store.Status  // how the answer ended; empty while it streams
	reason    string        // provider stop reason on a finished answer
	cut       bool          // the backend said the answer reached the token limit

	// The cache: lines as rendered for width, theme and showRsn, unless
	// dirty.
	lines   []string
	width   int
	theme   string
	showRsn bool
	dirty   bool
	renders int // times an answer was rendered, for tests of coalescing

	// Answers: buffers of rendered lines, and tab expansions by line.
	body, rbody []string
	tabs        map[string]string
	tabsWidth   int
	tabsTheme   string

	est      int // estimated height while not rendered at estWidth
	estWidth int
	estRsn   bool
}

func newAnswer(width int, theme string) *entry {
	w := answerWidth(width)
	return &entry{
		kind:  entryAnswer,
		md:    markdown.New(markdown.Options{Width: w, Style: theme, Live: true}),
		dirty: true,
	}
}

// answerWidth is the wrap width of rendered markdown for a screen width.
func answerWidth(width int) int { return max(width-2, 10) }

// answerText is the answer's markdown so far, as the screen shows it:
// sanitized.
func (e *entry) answerText() string {
	if e.md == nil {
		return ""
	}
	return e.md.Text()
}

// appendText adds a delta of the answer's text.
func (e *entry) appendText(s string) {
	e.raw.WriteString(s)
	e.md.Append(s)
	e.dirty = true
}

// rawText is the answer's text as the model sent it.
func (e *entry) rawText() string { return e.raw.String() }

// appendReasoning adds a delta of the reasoning, received at now (zero for
// reasoning restored from the store).
func (e *entry) appendReasoning(s string, width int, theme string, now time.Time) {
	if e.reasoning == nil {
		e.reasoning = markdown.New(markdown.Options{Width: answerWidth(width) - 2, Style: theme, Live: true})
	}
	e.reasoning.Append(s)
	if !now.IsZero() {
		if e.thinkFrom.IsZero() {
			e.thinkFrom = now
		}
		e.thinkTo = now
	}
	e.dirty = true
}

// thoughtUntil ends the thinking time at now when the answer's first
// words come after reasoning, as the store's Saver does.
func (e *entry) thoughtUntil(now time.Time) {
	if !e.thinkFrom.IsZero() && e.raw.Len() == 0 {
		e.thinkTo = now
	}
}

// thinkingTime is how long the model thought: measured live, or as stored.
func (e *entry) thinkingTime() time.Duration {
	if !e.thinkFrom.IsZero() {
		return e.thinkTo.Sub(e.thinkFrom)
	}
	return e.thought
}

// thinkingNow reports that the model is still thinking: the answer is
// running and has no words yet.
func (e *entry) thinkingNow() bool { return e.status == "" && e.raw.Len() == 0 }

// thinkingNote is what the reasoning's header says after its title: while
// the model thinks, for how long so far; once the answer began, for how
// long it thought and the reasoning tokens when the provider counted them,
// which a reopened conversation shows alike, from the store. A count of
// deltas is never shown as tokens, nor a time under a second.
func (e *entry) thinkingNote() string {
	secs := int(e.thinkingTime().Round(time.Second) / time.Second)
	if e.thinkingNow() {
		if secs >= 1 {
			return " (" + strconv.Itoa(secs) + " s)"
		}
		return ""
	}
	note := ""
	if secs >= 1 {
		note = " for " + strconv.Itoa(secs) + " s"
	}
	if e.thinkToks > 0 {
		note += " · " + strconv.Itoa(e.thinkToks) + " tokens"
	}
	return note
}

// fresh reports whether the cached lines are valid for c and the
// reasoning visibility.
func (e *entry) fresh(c *common, showReasoning bool) bool {
	return !e.dirty && e.width == c.wrap && e.theme == c.styles.Theme && e.showRsn == showReasoning
}

// height is the number of lines of the entry: exact when its lines are
// fresh, otherwise the last exact count if it had one at this width, or an
// estimate from its text.
func (e *entry) height(c *common, showReasoning bool) int {
	if e.fresh(c, showReasoning) || (e.lines != nil && e.width == c.wrap) {
		return len(e.lines)
	}
	if e.estWidth == c.wrap && e.estRsn == showReasoning {
		return e.est
	}
	n := 0
	for _, text := range []string{e.text, e.detail, e.answerText()} {
		n += strings.Count(text, "\n") + len(text)/max(c.wrap, 1) + 1
	}
	if e.reasoning != nil {
		n += 2
		if showReasoning {
			text := e.reasoning.Text()
			n += strings.Count(text, "\n") + len(text)/max(c.wrap, 1)
		}
	}
	e.est, e.estWidth, e.estRsn = n, c.wrap, showReasoning
	return n
}

// render returns the entry's lines, rendering them only when something
// they depend on changed.
func (e *entry) render(c *common, showReasoning bool) []string {
	theme := c.styles.Theme
	if e.fresh(c, showReasoning) {
		return e.lines
	}
	e.width, e.theme, e.showRsn, e.dirty = c.wrap, theme, showReasoning, false
	s := c.styles
	switch e.kind {
	case entryUser:
		e.lines = barred(wrap(e.text, c.wrap-2), s.UserBar.Render("▌ "), s.User)
		if e.detail != "" {
			e.lines = append(e.lines, barred(wrap(e.detail, c.wrap-2), s.UserBar.Render("▌ "), s.Note)...)
		}
	case entryAnswer:
		e.lines = e.renderAnswer(c, showReasoning)
		e.renders++
	case entryError:
		e.lines = []string{s.ErrorTitle.Render("✗ " + e.text)}
		if e.detail != "" {
			e.lines = append(e.lines, barred(wrap(e.detail, c.wrap-2), "  ", s.ErrorText)...)
		}
	case entryInfo:
		e.lines = barred(wrap(e.text, c.wrap-2), "  ", s.Note)
	}
	return e.lines
}

func (e *entry) renderAnswer(c *common, showReasoning bool) []string {
	s := c.styles
	if e.tabs == nil || e.tabsWidth != c.wrap || e.tabsTheme != s.Theme {
		e.tabs, e.tabsWidth, e.tabsTheme = map[string]string{}, c.wrap, s.Theme
	}
	lines := e.lines[:0]
	if e.reasoning != nil {
		n := e.thinkingNote()
		switch {
		case showReasoning:
			title := "▾ Thought"
			if e.thinkingNow() {
				title = "▾ Thinking"
			}
			lines = append(lines, s.Thinking.Render(title+n))
			e.reasoning.SetWidth(answerWidth(c.wrap) - 2)
			e.reasoning.SetStyle(s.Theme)
			e.rbody = tabLines(e.reasoning, answerWidth(c.wrap)-2, e.rbody, e.tabs)
			lines = append(lines, barred(trimBlank(e.rbody), s.ThinkingBar.Render("│ "), lipgloss.NewStyle())...)
		case e.status == "" && e.md.Text() == "":
			lines = append(lines, s.Thinking.Render("▸ Thinking…"+n))
		default:
			lines = append(lines, s.Thinking.Render("▸ Thought"+n+" · "+c.keys.Reasoning.Help().Key+" shows it"))
		}
	}
	e.md.SetWidth(answerWidth(c.wrap))
	e.md.SetStyle(s.Theme)
	e.body = tabLines(e.md, answerWidth(c.wrap), e.body, e.tabs)
	body := trimBlank(e.body)
	if len(lines) > 0 && len(body) > 0 {
		lines = append(lines, "")
	}
	lines = append(lines, body...)
	if note := e.endNote(len(body) == 0); note != "" {
		lines = append(lines, s.Note.Render(note))
	}
	return lines
}

// endNote is the line under an answer that did not end whole, if any:
// stopped (empty says no text had arrived), or cut at the token limit.
func (e *entry) endNote(empty bool) string {
	switch e.status {
	case store.StatusStopped:
		if empty {
			return "  ■ stopped before the answer began"
		}
		return "  ■ stopped: the answer above is incomplete"
	case store.StatusComplete:
		if e.cut || e.reason == "length" || e.reason == "max_tokens" {
			// In the words of the one-shot's stderr and --json.
			return "  ■ " + provider.MsgMaxTokens
		}
	}
	return ""
}

// tabLines copies r's rendered lines into buf (r owns its slice) and
// returns it, with tabs expanded (see markdown.ExpandTabs) and cut to
// width. The expansions are kept in cache, since finished lines come back every frame.
func tabLines(r *markdown.Renderer, width int, buf []string, cache map[string]string) []string {
	buf = append(buf[:0], r.Lines()...)
	for i, l := range buf {
		if strings.IndexByte(l, '\t') < 0 {
			continue
		}
		x, ok := cache[l]
		if !ok {
			x = ansi.Truncate(markdown.ExpandTabs(l), width, "")
			cache[l] = x
		}
		buf[i] = x
	}
	return buf
}

// finish tells the answer's renderers that nothing more will come, so the
// final frame is the exact full render.
func (e *entry) finish() {
	e.md.Finish()
	if e.reasoning != nil {
		e.reasoning.Finish()
	}
	e.dirty = true
}

// trimBlank drops blank lines at both ends: glamour pads its output, and
// the transcript spaces entries itself.
func trimBlank(lines []string) []string {
	isBlank := func(l string) bool { return strings.TrimSpace(stripANSI(l)) == "" }
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// wrap wraps plain text to width cells.
func wrap(text string, width int) []string {
	return strings.Split(lipgloss.Wrap(text, max(width, 10), ""), "\n")
}

// barred styles each line and puts prefix before it.
func barred(lines []string, prefix string, st lipgloss.Style) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + st.Render(l)
	}
	return out
}
