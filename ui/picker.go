package ui

import (
	"charm.land/bubbles/v2/key"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/termsafe"
)

// pickerKind tells what a picker chooses.
type pickerKind uint8

const (
	pickModel pickerKind = iota + 1
	pickConversation
)

// pickItem is one choice of a picker.
type pickItem struct {
	label string // what is shown and filtered on
	value string // what is picked
}

// picker is a filterable list in the transcript's place: typing filters,
// the arrows move, enter picks, esc closes.
type picker struct {
	c      *common
	kind   pickerKind
	title  string
	items  []pickItem
	shown  []int // indexes of items matching the filter
	cursor int
	filter textinput.Model
	w, h   int
}

// pickedMsg reports the choice of a picker.
type pickedMsg struct {
	kind  pickerKind
	value string
}

// pickerClosedMsg reports that a picker was closed without a choice.
type pickerClosedMsg struct{}

func newPicker(c *common, kind pickerKind, title string, items []pickItem) *picker {
	p := &picker{c: c, kind: kind, title: title, items: items}
	p.filter = textinput.New()
	p.filter.Prompt = "filter: "
	p.filter.SetVirtualCursor(true)
	// A steady cursor: a blinking one leaves a timer running after the
	// picker closes, up to the end of the program.
	st := p.filter.Styles()
	st.Cursor.Blink = false
	p.filter.SetStyles(st)
	p.filter.Focus()
	p.setSize(c.width, c.height)
	p.refilter()
	return p
}

func (p *picker) setSize(w, h int) {
	p.w, p.h = w, h
	p.filter.SetWidth(max(w-10, 10))
}

// update handles a key or a paste while the picker is open.
func (p *picker) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	if press, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(press, k.Close):
			return func() tea.Msg { return pickerClosedMsg{} }
		case key.Matches(press, k.Choose):
			if len(p.shown) == 0 {
				return p.typed()
			}
			it := p.items[p.shown[p.cursor]]
			kind := p.kind
			return func() tea.Msg { return pickedMsg{kind: kind, value: it.value} }
		case key.Matches(press, k.Up):
			p.cursor = max(p.cursor-1, 0)
			return nil
		case key.Matches(press, k.Down):
			p.cursor = min(p.cursor+1, max(len(p.shown)-1, 0))
			return nil
		}
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	p.refilter()
	return cmd
}

// refilter keeps the items whose label contains every word of the filter,
// ignoring case.
func (p *picker) refilter() {
	words := strings.Fields(strings.ToLower(p.filter.Value()))
	p.shown = p.shown[:0]
	for i, it := range p.items {
		label := strings.ToLower(it.label)
		ok := true
		for _, w := range words {
			if !strings.Contains(label, w) {
				ok = false
				break
			}
		}
		if ok {
			p.shown = append(p.shown, i)
		}
	}
	p.cursor = min(p.cursor, max(len(p.shown)-1, 0))
}

// view shows the title, the filter and the window of items around the
// cursor.
func (p *picker) view() string {
	s := p.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render(p.title) + s.Dim.Render("  ↑/↓ move · enter choose · esc close") + "\n")
	b.WriteString(p.filter.View() + "\n\n")
	rows := max(p.h-4, 1)
	start := max(0, min(p.cursor-rows/2, len(p.shown)-rows))
	if len(p.shown) == 0 {
		if typed := strings.TrimSpace(p.filter.Value()); p.kind == pickModel && typed != "" {
			b.WriteString(s.Dim.Render("  nothing matches: enter uses “" + termsafe.Sanitize(typed) + "” as typed"))
		} else {
			b.WriteString(s.Dim.Render("  nothing matches"))
		}
	}
	for i := start; i < len(p.shown) && i < start+rows; i++ {
		it := p.items[p.shown[i]]
		if i == p.cursor {
			b.WriteString(s.Selected.Render("› " + it.label))
		} else {
			b.WriteString("  " + it.label)
		}
		b.WriteByte('\n')
	}
	return fitBlock(strings.TrimRight(b.String(), "\n"), p.w, p.h)
}

// typed picks the filter's text itself in the model picker, for a model
// that is not in the list: a provider may serve more than it lists.
func (p *picker) typed() tea.Cmd {
	spec := strings.TrimSpace(p.filter.Value())
	if p.kind != pickModel || spec == "" {
		return nil
	}
	return func() tea.Msg { return pickedMsg{kind: pickModel, value: spec} }
}
