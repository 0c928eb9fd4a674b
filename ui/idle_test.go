package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// settle runs cmd as Bubble Tea would (the commands of a batch at once,
// those of a sequence in order), feeds model every message they return,
// and runs the commands that those updates return, until none is left.
// It fails the test if messages are still coming after limit: something
// of the chat's keeps waking up (a timer that re-arms itself, a blinking
// cursor, a clock). It returns how many messages were delivered.
func settle(t *testing.T, model tea.Model, cmd tea.Cmd, limit time.Duration) int {
	t.Helper()
	msgs := make(chan tea.Msg)
	pending := 0
	run := func(cmds ...tea.Cmd) {
		pending++
		go func() {
			for _, c := range cmds {
				if c != nil {
					msgs <- c()
				}
			}
			msgs <- settled{}
		}()
	}
	if cmd != nil {
		run(cmd)
	}
	deadline := time.After(limit)
	delivered := 0
	for pending > 0 {
		var msg tea.Msg
		select {
		case msg = <-msgs:
		case <-deadline:
			t.Fatalf("the chat still asks for work %v after the event (%d messages so far)", limit, delivered)
		}
		switch msg := msg.(type) {
		case nil:
			continue
		case settled:
			pending--
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			cmds := make([]tea.Cmd, v.Len()) // a sequence
			for i := range cmds {
				cmds[i] = v.Index(i).Interface().(tea.Cmd)
			}
			run(cmds...)
			continue
		}
		delivered++
		_, next := model.Update(msg)
		if next != nil {
			run(next)
		}
	}
	return delivered
}

// settled says that a command given to run has returned all its messages.
type settled struct{}

// TestNothingWakesWhileIdle: between the user's keys and the stream's
// chunks the chat asks for no work of its own, full screen and inline:
// after start-up, after an answer, and after a key typed into the input
// (a blinking cursor would arm a timer at every key). Bubble Tea's own
// renderer ticker is the only thing left awake (see BENCHMARKS.md, idle).
func TestNothingWakesWhileIdle(t *testing.T) {
	for _, inline := range []bool{false, true} {
		m := New(Options{Provider: &fakeProvider{script: words("A short answer, word by word.")}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow})
		var model tea.Model = m
		if inline {
			model = newInlineModel(m)
		}
		update := func(msg tea.Msg) tea.Cmd {
			_, cmd := model.Update(msg)
			return cmd
		}
		settle(t, model, model.Init(), 2*time.Second)
		settle(t, model, update(tea.WindowSizeMsg{Width: 100, Height: 30}), 2*time.Second)
		for _, r := range "hello" {
			if cmd := update(tea.KeyPressMsg{Code: r, Text: string(r)}); cmd != nil {
				t.Errorf("inline %v: typing %q asks for work: %T", inline, r, cmd())
			}
		}
		settle(t, model, update(tea.KeyPressMsg{Code: tea.KeyEnter}), 5*time.Second)
		if m.ex.answer == nil || m.ex.stats.state != stateDone {
			t.Fatalf("inline %v: the answer did not end: %+v", inline, m.ex.stats)
		}
		if !inline && !strings.Contains(ansi.Strip(model.View().Content), "word by word.") {
			t.Fatalf("the answer is not on screen:\n%s", ansi.Strip(model.View().Content))
		}
		if cmd := update(tea.KeyPressMsg{Code: 'x', Text: "x"}); cmd != nil {
			t.Errorf("inline %v: typing after the answer asks for work: %T", inline, cmd())
		}
	}
}
