package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// inlineModel is the chat on the terminal's main screen (Options.Inline):
// the same Model, whose transcript is printed into the terminal's
// scrollback as it becomes final (prompts, answers as their blocks
// finish, errors, notices) instead of being drawn. Only the open tail of
// the streaming answer, the status line and the input (or the help, or a
// picker) are drawn, at the bottom, by Bubble Tea.
type inlineModel struct {
	m  *Model
	pr inlinePrinter
}

// inlinePrinter follows the transcript and prints what became final, in
// order, once.
type inlinePrinter struct {
	printed  map[*entry]bool
	answered map[*entry]bool // prompts whose answer was printed
	any      bool            // something was printed
	convSeq  int             // the conversation printed last

	answer *entry      // the answer printed as it streams
	sb     *Scrollback // its render
	fed    int         // bytes of its text given to sb
	headed bool        // its reasoning line is printed

	lastTake time.Time // when its render was last taken
	lastTail []string  // the tail it gave then

	pend *pending // the replacement pending at the last sync
	held []string // entries waiting for a pending replacement, drawn below
	tail []string // the open tail of the answer, drawn below

	settle widthSettle // the terminal's width: nothing is printed while it changes
	waking bool        // an inlineSettledMsg is on its way
	queue  []string    // lines to print, in order
	busy   bool        // a print is on its way to the terminal
	quit   tea.Cmd     // the quit to run once everything is printed

	above  int  // rows of the screen above the region, as far as known (see wideRoom)
	asked  int  // cursor position reports asked for and not answered yet
	lifted bool // a blank line was printed on the screen's first row
}

// inlinePrintedMsg says that the last lines given to Bubble Tea are
// printed: the next ones may go.
type inlinePrintedMsg struct{}

// inlineSettledMsg says that the printing held during a resize may be
// due (see inlinePrinter.sync).
type inlineSettledMsg struct{}

func newInlineModel(m *Model) *inlineModel {
	m.in.SetVirtualCursor(true) // the terminal's cursor stays at the region's top: see View
	m.styleInput()
	m.att.prompt.SetVirtualCursor(true)
	m.tr.hidden = true // answers are rendered once, by the printer's Scrollback
	m.inputView = m.in.View()
	return &inlineModel{m: m, pr: inlinePrinter{printed: map[*entry]bool{}, answered: map[*entry]bool{}}}
}

// Init implements tea.Model. (Bubble Tea's first WindowSizeMsg asks the
// terminal where its cursor is: a region that starts on the screen's first
// row is moved down one; see Update.)
//
// Autowrap is off while the region is drawn (see View) and on while lines
// are printed (see next); Run turns it on again when the chat ends.
func (im *inlineModel) Init() tea.Cmd {
	return tea.Batch(im.m.Init(), tea.Raw(ansi.ResetModeAutoWrap))
}

// Update lets the chat handle msg, then prints what became final.
func (im *inlineModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg.(type) {
	case inlinePrintedMsg:
		im.pr.busy = false
	case inlineSettledMsg:
		im.pr.waking = false
	default:
		_, cmd = im.m.Update(msg)
	}
	// Bubble Tea redraws the whole region (a new height, a resize) by
	// erasing from its first row down: on the screen's first row, tmux
	// takes that for a clear and keeps the old region in its history
	// (scroll-on-clear). Until a print moves it down, a region that starts
	// there gets a blank line above it (a space: Bubble Tea prints no
	// empty string). The answer "row 1, column 1" also reads as F3, which
	// the chat ignores.
	switch msg := msg.(type) {
	case tea.CursorPositionMsg:
		// The answer to the last question asked tells how many rows are
		// above the region (the cursor is on its first row); an earlier
		// one may be from before a resize.
		if im.pr.asked = max(im.pr.asked-1, 0); im.pr.asked == 0 {
			im.pr.above = msg.Y
		}
		if msg.Y == 0 && !im.pr.any && !im.pr.lifted {
			im.pr.queue, im.pr.lifted = append(im.pr.queue, " "), true
		}
	case tea.WindowSizeMsg:
		// The terminal may have re-wrapped the screen and moved the
		// region: no rows above it until the terminal says. And the
		// region may now start on the screen's first row (see wideRoom),
		// where Bubble Tea's erase before it draws the region again is a
		// clear for tmux, which keeps the screen in its scrollback: the
		// region is erased first, from its first row, which is not.
		im.pr.above, im.pr.asked = 0, im.pr.asked+1
		cmd = tea.Batch(cmd, tea.RequestCursorPosition, tea.Sequence(tea.Raw(eraseFromRow), tea.ClearScreen))
	}
	m := im.m
	if m.quitting && cmd != nil { // the quit, and all after it, once the last lines are out
		im.pr.quit, cmd = tea.Batch(im.pr.quit, cmd), nil
	}
	wait := im.pr.sync(m)
	if wait > 0 && !im.pr.waking {
		im.pr.waking = true
		cmd = tea.Batch(cmd, tea.Tick(wait, func(time.Time) tea.Msg { return inlineSettledMsg{} }))
	}
	return im, tea.Batch(cmd, im.pr.next(m.c.width))
}

// next returns the command that prints the queued lines, or the quit
// once all are printed.
//
// The lines are written at the terminal's cursor, which stays on the
// region's first row (see View): the region is erased from there down,
// the lines are written in its place, and Bubble Tea draws the whole
// region again below them (ClearScreen, which inline goes to the region's
// first row). So a print takes no count of rows: Bubble Tea's own print
// (Println) moves down by the rows of the region it drew last, then up
// again, and when the terminal was resized after that frame (a window
// being dragged), those counts are off and rows of the old region stay in
// the scrollback, or the lines printed land on rows the next frame erases.
// The print goes out with the next frame, just before it (tea.Raw).
func (p *inlinePrinter) next(width int) tea.Cmd {
	if p.busy {
		return nil
	}
	if len(p.queue) == 0 {
		q := p.quit
		p.quit = nil
		return q
	}
	var b strings.Builder
	b.WriteString(eraseFromRow + ansi.SetModeAutoWrap)
	printLines(&b, p.queue)
	b.WriteString(ansi.ResetModeAutoWrap)
	p.above += rows(p.queue, width) // the region moves down by as many
	p.queue, p.busy = nil, true
	return tea.Sequence(tea.Raw(b.String()), tea.ClearScreen, func() tea.Msg { return inlinePrintedMsg{} })
}

// print queues lines, with a blank line before each entry but the first.
func (p *inlinePrinter) print(lines ...string) {
	if p.any {
		p.queue = append(p.queue, "")
	}
	p.any = true
	p.queue = append(p.queue, lines...)
}

// sync prints the entries of the transcript that became final since the
// last call, and the stable part of the streaming answer. While the
// terminal's width keeps changing it prints nothing and draws no tail, as
// the one-shot printer (see widthSettle), and returns how long it holds.
func (p *inlinePrinter) sync(m *Model) time.Duration {
	c := m.c
	if c.width <= 0 {
		return 0 // no size yet
	}
	if wait := p.settle.hold(c.width, time.Now()); wait > 0 && !m.quitting {
		p.tail = nil
		return wait
	}
	if m.convSeq != p.convSeq {
		p.convSeq = m.convSeq
		if p.any {
			p.print(c.styles.Note.Render(strings.Repeat("─", max(min(c.width, maxWrap)-2, 1))))
		}
	}
	was := p.pend
	p.pend = m.ex.pend
	if m.quitting {
		p.pend = nil
	}
	p.held, p.tail = p.held[:0], nil
	var prompt *entry // the last prompt before the entry at hand
	for _, e := range m.tr.entries {
		if p.printed[e] {
			if e.kind == entryUser {
				prompt = e
			}
			continue
		}
		if p.pend != nil { // printed once the replacement has its first words
			p.held = append(p.held, e.render(c, false)...)
			continue
		}
		switch e.kind {
		case entryAnswer:
			if e != p.answer && p.answered[prompt] {
				p.print(c.styles.Note.Render("  ↻ a new answer: it replaces the one above"))
			}
			if !p.stream(m, e, prompt) {
				return 0 // later entries wait for the answer
			}
		case entryUser:
			if was != nil && !was.regen && p.any {
				p.print(c.styles.Note.Render("  ↻ the prompt edited and sent again: this exchange replaces the last one above"))
			}
			prompt = e
			fallthrough
		default:
			p.print(e.render(c, false)...)
			p.printed[e] = true
		}
	}
	return 0
}

// stream prints what is stable of answer e, all of it once e ended (or the
// chat is quitting), and reports whether it ended.
func (p *inlinePrinter) stream(m *Model, e *entry, prompt *entry) bool {
	c := m.c
	if e != p.answer {
		p.answer, p.fed, p.headed, p.lastTake, p.lastTail = e, 0, false, time.Time{}, nil
		p.sb = NewScrollback(c.width, c.styles.Theme)
	}
	p.sb.SetWidth(c.width)
	if raw := e.rawText(); len(raw) > p.fed {
		p.sb.Append(raw[p.fed:])
		p.fed = len(raw)
	}
	final := e.status != "" || m.quitting
	if final {
		p.sb.Finish()
	} else if now := time.Now(); now.Sub(p.lastTake) < frameInterval {
		p.tail = p.lastTail // at most a render a frame, however often chunks come
		return false
	} else {
		p.lastTake = now
	}
	stable, tail := p.sb.Take(final)
	stable, tail = trimBlankEdge(stable, tail, p.headed)
	if !p.headed && (len(stable) > 0 || final) {
		head := []string{}
		if e.reasoning != nil {
			head = append(head, c.styles.Thinking.Render("▸ Thought"+e.thinkingNote()))
			if m.tr.showReasoning { // shown (Ctrl+T): printed whole
				head = append(head, reasoningLines(c, e)...)
			}
		}
		p.print(head...)
		p.headed = true
		if len(head) > 0 && len(stable) > 0 {
			p.queue = append(p.queue, "")
		}
		p.queue = append(p.queue, stable...)
	} else {
		p.queue = append(p.queue, stable...)
	}
	if !final {
		if len(tail) == 0 && e.reasoning != nil && !p.headed {
			tail = []string{c.styles.Thinking.Render("▸ Thinking…" + e.thinkingNote())}
			if m.tr.showReasoning {
				tail = append(tail, reasoningLines(c, e)...)
			}
		}
		p.tail, p.lastTail = tail, tail
		return false
	}
	if note := e.endNote(p.sb.Empty() && p.fed == 0); note != "" {
		p.queue = append(p.queue, c.styles.Note.Render(note))
	}
	p.printed[e], p.answered[prompt], p.answer = true, true, nil
	return true
}

// reasoningLines is the reasoning of answer e as shown under its header,
// with a bar before each line.
func reasoningLines(c *common, e *entry) []string {
	e.reasoning.SetWidth(answerWidth(c.wrap) - 2) // as the transcript has it: no render twice
	e.reasoning.SetStyle(c.styles.Theme)
	lines := trimBlank(append([]string(nil), e.reasoning.Lines()...))
	for i, l := range lines {
		lines[i] = Fit(l, c.width-2)
	}
	return barred(lines, c.styles.ThinkingBar.Render("│ "), lipgloss.NewStyle())
}

// trimBlankEdge drops the blank lines glamour puts before an answer, which
// the printer spaces itself: those at the start of the first lines given.
func trimBlankEdge(stable, tail []string, started bool) ([]string, []string) {
	if started {
		return stable, tail
	}
	blank := func(l string) bool { return strings.TrimSpace(ansi.Strip(l)) == "" }
	for len(stable) > 0 && blank(stable[0]) {
		stable = stable[1:]
	}
	if len(stable) == 0 {
		for len(tail) > 0 && blank(tail[0]) {
			tail = tail[1:]
		}
	}
	return stable, tail
}

// View draws the bottom region: what waits to be printed, the status line
// and the input, or the help or a picker in their place.
func (im *inlineModel) View() tea.View {
	m := im.m
	var v tea.View
	if m.quitting && im.pr.quit == nil && !im.pr.busy {
		return v // nothing left to print: the region goes
	}
	if m.c.width <= 0 {
		// No size yet. Bubble Tea draws the view once before it hands
		// over the terminal's size, and its ticker may flush that frame
		// first (often under load): the input at the text area's default
		// height, six rows, and no status line. The first sized frame is
		// shorter, so Bubble Tea erases the region from its top row to
		// redraw it; at the top of the screen tmux takes that erase for a
		// clear and keeps the screen in its history (scroll-on-clear), so
		// the six-row input stayed in the scrollback.
		return v
	}
	room := m.inlineRoom()
	status := m.st.view()
	var top []string
	switch m.mode {
	case modeHelp: // as tall as it needs, up to room, where it scrolls (helpHeight)
		top = trimBlank(strings.Split(m.helpView(), "\n"))
	case modePicker:
		top = trimBlank(strings.Split(m.picker.view(), "\n"))
	default:
		top = append(append(top, im.pr.held...), im.pr.tail...)
	}
	if len(top) > room {
		if m.mode == modeChat {
			top = top[len(top)-room:] // the latest rows of a tall tail
		} else {
			top = top[:room]
		}
	}
	if m.mode == modeChat {
		top = im.pr.wideRoom(top, m.c.width, append([]string{status}, strings.Split(m.inputView, "\n")...))
	}
	// The region starts with a blank row, where the terminal's cursor
	// stays (the input draws its own). A terminal narrowed while the region
	// is on screen re-wraps its rows; Bubble Tea then moves up from where it
	// left the cursor, by the rows it drew, to erase the region: from the
	// region's first row nothing above the cursor can have re-wrapped, so
	// the erase takes the whole old region and nothing else. (With the
	// cursor in the input, the rows above it that re-wrapped were left
	// behind, in the scrollback: partial copies of the answer's tail.)
	// While the window is being dragged, nothing is printed and no tail
	// is drawn (see inlinePrinter.sync). A frame already on its way when
	// the terminal narrows would wrap its wider rows and leave the cursor
	// rows below where Bubble Tea counts it: so autowrap is off while the
	// region is drawn (Bubble Tea cuts the region's rows at the width
	// itself), and the cursor stays on the region's first row whatever
	// such a frame draws; prints do not count rows either (see next).
	screen := "\n"
	if len(top) > 0 {
		screen += strings.Join(top, "\n") + "\n"
	}
	v.SetContent(screen + status + "\n" + m.inputView)
	v.Cursor = tea.NewCursor(0, 0)
	return v
}

// wideRoom returns the last rows of top that the region can hold near the
// top of the screen: a terminal narrowed re-wraps the rows wider than its
// new width, each into two or more, and keeps its cursor's row where it
// was from the screen's bottom, so it pushes as many rows into its
// scrollback as it added. Rows above the region go first, and are
// printed for good; when the region's wide rows outnumber them, the
// region's first rows go too, and its first row lands on the screen's
// first, where Bubble Tea's erase of the region is a clear for tmux
// (scroll-on-clear): either way a copy of the region stays in the
// scrollback (Update erases the region first after a resize, so a first
// row that lands on the screen's first row is no copy). So the region
// holds no more rows wider than half the width (a window narrowed to half
// its width) than there are rows above it, the rows under the tail (the
// status line and the input) counted first. Near the top of an empty
// screen the open tail then shows its last rows only, until what is
// printed fills the rows above; a terminal that does not say where its
// cursor is gets the rows printed counted instead.
func (p *inlinePrinter) wideRoom(top []string, width int, below []string) []string {
	n := p.above
	wide := func(l string) bool { return 2*ansi.StringWidth(strings.TrimRight(ansi.Strip(l), " ")) > width }
	for _, l := range below {
		if wide(l) {
			n--
		}
	}
	i := len(top)
	for ; i > 0; i-- {
		if wide(top[i-1]) {
			if n <= 0 {
				break
			}
			n--
		}
	}
	return top[i:]
}

// inlineRoom is the most rows the bottom region gives what is above the
// status line and the input: the region is at most half the screen, so
// that what is printed for good keeps the other half in view.
func (m *Model) inlineRoom() int { return max(m.c.height/2-m.in.Height()-2, 1) }
