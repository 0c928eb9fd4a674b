package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// modelsMsg carries the specs the model picker offers.
type modelsMsg struct {
	specs []string
	err   error
}

// modelPicker lists the models in the background and then opens the
// picker.
func (m *Model) modelPicker() tea.Cmd {
	if m.opts.Switch == nil {
		m.flash = "switching models is not available here"
		return nil
	}
	list := m.opts.Models
	if list == nil {
		return func() tea.Msg { return modelsMsg{} }
	}
	ctx := m.ctx
	m.flash = "listing models…"
	return func() tea.Msg {
		defer logPanic()
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		specs, err := list(ctx)
		return modelsMsg{specs: specs, err: err}
	}
}

func (m *Model) modelsListed(msg modelsMsg) tea.Cmd {
	m.flash = ""
	if msg.err != nil {
		m.flash = "could not list all models: " + termsafe.Sanitize(msg.err.Error())
	}
	items := []pickItem{{label: m.st.model + "  (current)", value: m.opts.Model}}
	for _, s := range msg.specs {
		if s != m.opts.Model {
			items = append(items, pickItem{label: termsafe.Sanitize(s), value: s})
		}
	}
	m.openPickerWith(newPicker(m.c, pickModel, "Switch model", items))
	return nil
}

func (m *Model) openPickerWith(p *picker) {
	p.setSize(m.c.width, m.screenRows)
	m.picker = p
	m.mode = modePicker
}

// picked acts on the choice of a picker.
func (m *Model) picked(msg pickedMsg) tea.Cmd {
	m.mode, m.picker = modeChat, nil
	switch msg.kind {
	case pickModel:
		return m.switchModel(msg.value)
	case pickConversation:
		return m.loadConversation(msg.value, true)
	}
	return nil
}

// switchedMsg carries the outcome of resolving a model picked in the
// picker. gen is the exchange that was running when the model was picked.
type switchedMsg struct {
	spec string
	prov provider.Provider
	req  provider.Request
	gen  int
	err  error
}

// switchModel continues the conversation with the model spec names. The
// spec is resolved in a command, since that may run api_key_cmd or reach
// the network; the chat keeps answering keys meanwhile.
func (m *Model) switchModel(spec string) tea.Cmd {
	if spec == m.opts.Model {
		return nil
	}
	if m.opts.Switch == nil {
		return nil
	}
	resolve, gen := m.opts.Switch, m.ex.gen
	return func() tea.Msg {
		defer logPanic()
		p, req, err := resolve(spec)
		return switchedMsg{spec: spec, prov: p, req: req, gen: gen, err: err}
	}
}

// modelSwitched makes the resolved model the one of the next exchanges and
// stops the answer that was running when it was picked.
func (m *Model) modelSwitched(msg switchedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "cannot switch to " + termsafe.Sanitize(msg.spec) + ": " + termsafe.Sanitize(msg.err.Error())
		return nil
	}
	m.applyModel(msg.spec, msg.prov, msg.req)
	var stopped tea.Cmd
	if msg.gen == m.ex.gen {
		stopped = m.stopIfRunning()
	}
	m.flash = "now talking to " + termsafe.Sanitize(msg.spec)
	if len(m.turns) > 0 {
		m.tr.add(&entry{kind: entryInfo, text: "— switched to " + m.st.model + " —", dirty: true})
	}
	return stopped
}

// applyModel puts a resolved model in place for the next exchanges.
func (m *Model) applyModel(spec string, p provider.Provider, req provider.Request) {
	req.Messages = nil
	m.prov, m.req, m.opts.Model = p, req, spec
	m.st.model = termsafe.Sanitize(spec)
}

// conversationModel returns what resolves the model a conversation opened
// from the picker was held with, as -c and --resume use it; nil when the
// chat cannot switch. It runs in the command that reads the conversation,
// off the event loop (resolving may run api_key_cmd), and returns nil
// when the conversation's model is the chat's already.
func (m *Model) conversationModel() func(*store.Conversation) *switchedMsg {
	if m.opts.Switch == nil {
		return nil
	}
	resolve, model, spec := m.opts.Switch, m.req.Model, m.opts.Model
	prov := ""
	if m.prov != nil {
		prov = m.prov.Name()
	}
	return func(c *store.Conversation) *switchedMsg {
		if c.Model == "" || (c.Model == model && (c.Provider == "" || prov == "" || c.Provider == prov)) {
			return nil
		}
		want := c.Model
		if c.Provider != "" {
			want = c.Provider + ":" + c.Model
		}
		if want == spec {
			return nil
		}
		p, req, err := resolve(want)
		return &switchedMsg{spec: want, prov: p, req: req, err: err}
	}
}

// useConversationModel puts the model of an opened conversation in place
// and returns the note the status line adds to "opened": with which model
// it continues, or why the chat's model was kept.
func (m *Model) useConversationModel(sw switchedMsg) string {
	if sw.err != nil {
		return " · kept " + m.st.model + ": " + termsafe.Sanitize(sw.err.Error())
	}
	m.applyModel(sw.spec, sw.prov, sw.req)
	return " · with " + m.st.model
}
