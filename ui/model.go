package ui

import (
	"context"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
	"github.com/parley-chat/parley/ui/markdown"
)

// mode is what has the keyboard.
type mode uint8

const (
	modeChat mode = iota
	modeHelp
	modePicker
	modeAttach // the attach prompt, in the input's place
)

// resizeSettle is how long the width must stay put before the transcript
// is wrapped again: a window being dragged does not re-render every frame.
const resizeSettle = 100 * time.Millisecond

// turn is one prompt and the answer to it, with the entries that show
// them.
type turn struct {
	prompt string
	files  []provider.Attachment // sent with the prompt
	user   *entry
	answer *entry
	failed *entry // the error shown under the answer, if any
	saved  *slot  // where the exchange is stored; nil when it never was
}

// Model is the root Bubble Tea model of the chat. It owns the conversation
// and routes messages: the state of the running exchange is in ex, the
// rest in its children: the transcript, the input, the status line, the
// help and the pickers.
type Model struct {
	opts Options
	ctx  context.Context
	c    *common

	tr     *transcript
	in     textarea.Model
	st     *status
	help   help.Model
	picker *picker
	mode   mode

	prov  provider.Provider
	req   provider.Request
	turns []turn

	history []string
	histIdx int    // len(history) when not browsing
	draft   string // the input as it was when browsing began

	ex  exchange // the running exchange, or the last one
	att attacher // the attachments of the next prompt, the attach prompt

	resizeSeq  int
	flash      string // a one-off notice in the status line, cleared by the next key
	autoTheme  bool
	convID     string        // the saved conversation; empty until the first prompt is saved
	convSeq    int           // counts conversations shown: new and opened ones
	lastSlot   *slot         // the exchange begun last in this conversation
	replaced   *slot         // the first stored exchange dropped (edit, regenerate); the next one saved replaces it
	note       *entry        // the notice of a replacement that failed, at the end of the transcript
	ended      chan struct{} // closed when the chat ends: saving in order gives up waiting
	endOnce    sync.Once
	quitting   bool
	quitArmed  bool        // Ctrl+D was pressed once with a draft in the input
	mouseOff   bool        // the terminal has the mouse: a drag selects text, the wheel does not scroll
	helpTop    int         // the first line of the help on screen
	screenRows int         // rows given to the transcript
	inputView  string      // the input, rendered by fitInput
	screen     string      // the whole screen, assembled by compose
	cursor     *tea.Cursor // where the input's cursor is on screen
}

// New returns the chat's root model for opts. Run uses it; tests drive it
// with teatest.
func New(opts Options) *Model {
	oneAtATime(&opts)
	theme, auto := resolveTheme(opts.Theme, opts.NoColor)
	c := &common{styles: newStyles(theme), keys: DefaultKeyMap(), now: opts.Now}
	if c.now == nil {
		c.now = time.Now
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	m := &Model{
		opts:      opts,
		ctx:       ctx,
		c:         c,
		prov:      opts.Provider,
		req:       opts.Request,
		autoTheme: auto,
		convID:    opts.ConversationID,
		ended:     make(chan struct{}),
	}
	m.req.Messages = nil
	m.tr = newTranscript(c)
	m.st = newStatus(c, termsafe.Sanitize(opts.Model))
	m.help = help.New()
	m.help.Styles = c.styles.Help
	m.in = newInput(c)
	m.att.pending = opts.Attach
	m.namePending()
	m.inputView = m.in.View()
	m.ex.clear()
	m.ex.threads.Auto = opts.Threads
	if opts.Store == nil || opts.ConversationID == "" {
		for _, msg := range opts.Request.Messages {
			m.restore(msg)
		}
	}
	return m
}

// oneAtATime makes the calls of opts.Switch and opts.Models wait for each
// other: both run in commands, which may overlap, and the caller's
// resolver is not expected to be safe for concurrent use.
func oneAtATime(opts *Options) {
	var mu sync.Mutex
	if sw := opts.Switch; sw != nil {
		opts.Switch = func(spec string) (provider.Provider, provider.Request, error) {
			mu.Lock()
			defer mu.Unlock()
			return sw(spec)
		}
	}
	if list := opts.Models; list != nil {
		opts.Models = func(ctx context.Context) ([]string, error) {
			mu.Lock()
			defer mu.Unlock()
			return list(ctx)
		}
	}
}

// resolveTheme maps the configured theme to a concrete one, and whether
// the terminal's background may still change it. NO_COLOR turns colour off
// unless the configuration names a theme explicitly.
func resolveTheme(theme string, noColor bool) (resolved string, auto bool) {
	style := markdown.StyleFor(theme, noColor)
	return style, style == ThemeDark && (theme == ThemeAuto || theme == "")
}

func newInput(c *common) textarea.Model {
	in := textarea.New()
	in.KeyMap = inputKeyMap()
	in.Prompt = "› "
	in.Placeholder = "Ask anything…"
	in.ShowLineNumbers = false
	in.DynamicHeight = true
	in.MinHeight = 1
	in.MaxHeight = 8
	in.MaxContentHeight = 10000
	in.SetVirtualCursor(false)
	in.SetStyles(c.styles.Input)
	in.Focus()
	return in
}

// Init asks the terminal for its background colour when the theme follows
// it. The answer arrives as a message; start-up never waits for it.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.autoTheme {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.opts.Store != nil && m.convID != "" {
		cmds = append(cmds, m.loadConversation(m.convID, false))
	}
	cmds = append(cmds, m.loadPrompts())
	return tea.Batch(cmds...)
}

// Update routes msg to the part of the chat it concerns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer logPanic()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		cmd = m.resize(msg.Width, msg.Height)
	case resizeSettledMsg:
		if msg.seq == m.resizeSeq && m.c.wrap != m.c.width {
			m.c.wrap = m.c.width
			m.tr.layout()
		}
	case tea.BackgroundColorMsg:
		if m.autoTheme {
			theme := ThemeLight
			if msg.IsDark() {
				theme = ThemeDark
			}
			m.setTheme(theme)
		}
	case streamOpenedMsg:
		cmd = m.opened(msg)
	case chunksMsg:
		// The hot path: the status line waits for the next frame unless
		// the state changed.
		before := m.ex.stats.state
		cmd := m.received(msg)
		if m.ex.stats.state != before {
			m.refreshStatus()
			m.compose()
		}
		return m, cmd
	case frameMsg:
		return m, m.framed(m.frame(msg))
	case catchUpMsg:
		return m, m.framed(m.caughtUp(msg))
	case exactMsg:
		cmd = m.exactly(msg)
	case waitTickMsg:
		cmd = m.waited(msg)
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case tea.PasteMsg:
		cmd = m.paste(msg)
	case tea.MouseWheelMsg:
		m.wheel(msg)
	default:
		cmd = m.other(msg)
	}
	m.refreshStatus()
	m.compose()
	return m, cmd
}

// other handles the messages of actions: pickers, the editor, the store.
func (m *Model) other(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editorDoneMsg:
		return m.editorDone(msg)
	case modelsMsg:
		return m.modelsListed(msg)
	case pickedMsg:
		return m.picked(msg)
	case switchedMsg:
		return m.modelSwitched(msg)
	case pickerClosedMsg:
		m.mode, m.picker = modeChat, nil
	case conversationsMsg:
		return m.conversationsListed(msg)
	case conversationMsg:
		return m.conversationLoaded(msg)
	case savedMsg:
		m.saved(msg)
	case promptsMsg:
		m.promptsLoaded(msg)
	case attachedMsg:
		m.attached(msg)
	case completedMsg:
		m.completed(msg)
	case pastedFileMsg:
		m.pastedFile(msg)
	case tea.FocusMsg, tea.BlurMsg:
	}
	return nil
}

// resizeSettledMsg re-wraps the transcript once the width stopped changing.
type resizeSettledMsg struct{ seq int }

func (m *Model) resize(w, h int) tea.Cmd {
	first := m.c.wrap == 0
	widthChanged := w != m.c.width
	m.c.width, m.c.height = w, h
	if first {
		m.c.wrap = w
	}
	m.in.SetWidth(w)
	m.fitInput()
	m.tr.layout() // cheap until the wrap width changes: it clips meanwhile
	if first || !widthChanged {
		return nil
	}
	m.resizeSeq++
	seq := m.resizeSeq
	return tea.Tick(resizeSettle, func(time.Time) tea.Msg { return resizeSettledMsg{seq: seq} })
}

// fitInput renders the input (with the attachments above it) after a
// change and gives the transcript whatever rows it and the status line
// leave.
func (m *Model) fitInput() {
	view, inputRows := m.inputArea()
	m.inputView = view
	rows := max(m.c.height-inputRows-1, 1)
	if rows != m.screenRows {
		m.screenRows = rows
		m.tr.setHeight(rows)
	}
	if m.picker != nil {
		m.picker.setSize(m.c.width, rows)
	}
}

// styleInput gives the input the styles of the theme. A virtual cursor
// (the inline chat draws its own) is steady: the textarea would arm a
// blink timer at every key that moves it, a wake-up that shows nothing,
// as the chat does not route blink messages. The terminal's own cursor,
// the full-screen chat's, blinks at no cost to us and is left as it is.
func (m *Model) styleInput() {
	st := m.c.styles.Input
	if m.in.VirtualCursor() {
		st.Cursor.Blink = false
	}
	m.in.SetStyles(st)
}

func (m *Model) setTheme(theme string) {
	if theme == m.c.styles.Theme {
		return
	}
	m.c.styles = newStyles(theme)
	m.help.Styles = m.c.styles.Help
	m.styleInput()
	m.fitInput()
	m.tr.layout()
}

// wheel scrolls the transcript, or moves in a picker.
func (m *Model) wheel(msg tea.MouseWheelMsg) {
	if m.mode == modeHelp {
		switch msg.Button {
		case tea.MouseWheelUp:
			m.scrollHelp(-3)
		case tea.MouseWheelDown:
			m.scrollHelp(3)
		}
		return
	}
	switch msg.Button {
	case tea.MouseWheelUp:
		m.tr.scroll(-3)
	case tea.MouseWheelDown:
		m.tr.scroll(3)
	}
}

func (m *Model) refreshStatus() {
	m.st.update(&m.ex.stats, !m.tr.atBottom(), m.tr.newBelow, m.flash)
}

// framed finishes the update of a streaming answer's frame: the input is
// as it was, and so is its cursor.
func (m *Model) framed(cmd tea.Cmd) tea.Cmd {
	m.refreshStatus()
	m.composeScreen()
	return cmd
}

// compose assembles the screen from the cached parts after an update,
// and places the input's cursor.
func (m *Model) compose() {
	m.composeScreen()
	m.cursor = nil
	if cur := m.inputCursor(); cur != nil {
		cur.Position.Y += m.screenRows + 1
		m.cursor = cur
	}
}

// composeScreen assembles the screen from the cached parts.
func (m *Model) composeScreen() {
	top := m.tr.view()
	if len(m.tr.entries) == 0 {
		top = m.welcome()
	}
	switch m.mode {
	case modeHelp:
		top = m.helpView()
	case modePicker:
		top = m.picker.view()
	}
	m.screen = top + "\n" + m.st.view() + "\n" + m.inputView
}

// View returns the screen composed by the last update. It renders
// nothing: Bubble Tea calls it after every message.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = m.mouseMode()
	v.WindowTitle = "parley · " + m.st.model
	if m.quitting {
		return v
	}
	v.SetContent(m.screen)
	if m.cursor != nil {
		cur := *m.cursor
		v.Cursor = &cur
	}
	return v
}
