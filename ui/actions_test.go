package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

func TestCopyUsesOSC52(t *testing.T) {
	f := &fakeProvider{script: words(codeAnswer)}
	h := start(t, Options{Provider: f}, 80, 24)
	h.send("q")
	h.waitText("done")
	h.press('y', tea.ModAlt)
	h.waitText("copied the code block")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("func words(s string) []string {\n\treturn strings.Fields(s)\n}"))
	teatest.WaitFor(t, h.tm.Output(), func(out []byte) bool {
		return bytes.Contains(out, []byte(want))
	}, teatest.WithDuration(5*time.Second))
	h.quit()
}

func TestPasteIsMultiLineInput(t *testing.T) {
	f := &fakeProvider{script: words("ok"), reqs: make(chan provider.Request, 1)}
	h := start(t, Options{Provider: f}, 80, 24)
	h.tm.Send(tea.PasteMsg{Content: "line one\nline two"})
	h.waitText("line two")
	h.press(tea.KeyEnter, 0)
	req := <-f.reqs
	if got := req.Messages[0].Content; got != "line one\nline two" {
		t.Errorf("sent %q, want both pasted lines", got)
	}
	h.waitText("done")
	h.quit()
}

func TestSwitchModelFromPicker(t *testing.T) {
	second := &fakeProvider{script: words("from b"), reqs: make(chan provider.Request, 1)}
	opts := Options{
		Provider: &fakeProvider{},
		Model:    "a:x",
		Models:   func(context.Context) ([]string, error) { return []string{"a:x", "b:y", "c:z"}, nil },
		Switch: func(spec string) (provider.Provider, provider.Request, error) {
			if spec != "b:y" {
				return nil, provider.Request{}, errors.New("unexpected " + spec)
			}
			return second, provider.Request{Model: "y"}, nil
		},
	}
	h := start(t, opts, 80, 24)
	h.press('l', tea.ModCtrl)
	h.waitText("Switch model")
	h.typeText("b")
	s := h.waitFor("the filtered list", func(s string) bool { return !strings.Contains(s, "c:z") })
	if !strings.Contains(s, "b:y") {
		t.Fatalf("filter lost b:y:\n%s", s)
	}
	h.press(tea.KeyEnter, 0)
	h.waitText("now talking to b:y")
	h.send("hi")
	if req := <-second.reqs; req.Model != "y" {
		t.Errorf("request model = %q, want y", req.Model)
	}
	h.waitText("from b")
	h.quit()
}

func TestOpenSavedConversationFromPicker(t *testing.T) {
	h, st := chatSaving(t, &fakeProvider{})
	saveConversation(t, st, store.Conversation{Title: "about otters"},
		store.Message{Role: provider.RoleUser, Text: "tell me about otters"},
		store.Message{Role: provider.RoleAssistant, Text: "Otters hold hands.", Status: store.StatusStopped})
	h.open("about otters")
	s := h.waitText("Otters hold hands.")
	if !strings.Contains(s, "stopped") {
		t.Errorf("a stopped answer is not marked as stopped:\n%s", s)
	}
	h.quit()
}

func TestEditorReplacesInput(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ed.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'written in the editor' > \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", "false") // the chat reads no environment: the caller passes Editor
	t.Setenv("EDITOR", "false")
	h := start(t, Options{Provider: &fakeProvider{}, Editor: []string{script}}, 80, 24)
	h.typeText("draft")
	h.press('x', tea.ModCtrl)
	h.waitText("› written in the editor")
	h.quit()
}

func TestStatusShowsProgressNoticeAndUsage(t *testing.T) {
	p := newPipe()
	h := start(t, Options{Provider: p}, 120, 24)
	h.send("q")
	p.out <- provider.Chunk{Kind: provider.KindNotice, Text: "rate limited (retry 1 of 2)", Wait: 2 * time.Second}
	h.waitText("rate limited (retry 1 of 2); retrying in 2s")
	p.out <- provider.Chunk{Kind: provider.KindProgress, Percent: 40, Text: "indexing"}
	p.text("x")
	h.waitText("indexing")
	p.out <- provider.Chunk{Kind: provider.KindUsage, Usage: provider.Usage{InputTokens: 7, OutputTokens: 9}}
	p.out <- provider.Chunk{Kind: provider.KindFinish, Reason: "length"}
	s := h.waitText("done")
	for _, want := range []string{"↑7 ↓9 tokens", "■ " + provider.MsgMaxTokens} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	h.quit()
}

func TestThemeFollowsBackgroundUnlessSet(t *testing.T) {
	m := New(Options{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.BackgroundColorMsg{Color: lightGray{}})
	if got := m.c.styles.Theme; got != ThemeLight {
		t.Errorf("auto theme on a light background = %q, want light", got)
	}
	m = New(Options{Theme: ThemeDark})
	m.Update(tea.BackgroundColorMsg{Color: lightGray{}})
	if got := m.c.styles.Theme; got != ThemeDark {
		t.Errorf("explicit dark theme changed to %q", got)
	}
	if got := New(Options{NoColor: true}).c.styles.Theme; got != ThemeNone {
		t.Errorf("NO_COLOR theme = %q, want notty", got)
	}
	if got := New(Options{Theme: ThemeLight, NoColor: true}).c.styles.Theme; got != ThemeLight {
		t.Errorf("explicit light theme with NO_COLOR = %q, want light", got)
	}
}

type lightGray struct{}

func (lightGray) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

// panicky panics when asked for an answer.
type panicky struct{}

func (panicky) Name() string { return "panicky" }
func (panicky) Stream(context.Context, provider.Request) (<-chan provider.Chunk, error) {
	panic("provider bug")
}

func TestRunLogsPanicAndRestores(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the chat reads no environment: the caller passes StateHome
	in, out := newScriptedInput("hello\r"), &bytes.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := Run(ctx, Options{Provider: panicky{}, Model: "p:m", Theme: ThemeNone, Input: in, Output: out, StateHome: dir})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "parley")) {
		t.Fatalf("Run = %v, want an error naming the crash log under %s", err, dir)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "parley", "parley-crash-*.log"))
	if len(logs) != 1 {
		t.Fatalf("crash logs: %v", logs)
	}
	b, _ := os.ReadFile(logs[0])
	if !strings.Contains(string(b), "provider bug") || !strings.Contains(string(b), "goroutine") {
		t.Errorf("crash log lacks the panic and its stack:\n%s", b)
	}
}

// scriptedInput yields its keys once the program had time to start.
type scriptedInput struct {
	r     io.Reader
	ready chan struct{}
}

func newScriptedInput(keys string) *scriptedInput {
	s := &scriptedInput{r: strings.NewReader(keys), ready: make(chan struct{})}
	time.AfterFunc(200*time.Millisecond, func() { close(s.ready) })
	return s
}

func (s *scriptedInput) Read(p []byte) (int, error) {
	<-s.ready
	return s.r.Read(p)
}

func TestRunEndedByContextSavesTheAnswerAsStopped(t *testing.T) {
	st := openStore(t)
	p := newPipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Provider: p, Model: "pipe:m", Theme: ThemeNone, Store: st,
			Input: newScriptedInput("hello\r"), Output: io.Discard})
	}()
	p.text("partial")
	// Wait until the answer is saved in flight (the saver writes within a
	// second), then end the chat from outside.
	var convID string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the answer was never saved while streaming")
		}
		list, _ := st.List(context.Background(), 0)
		if len(list) == 1 {
			c, err := st.Get(context.Background(), list[0].ID)
			if err == nil && len(c.Messages) == 2 && c.Messages[1].Text == "partial" {
				convID = c.ID
				break
			}
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	c, err := st.Get(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	if a := c.Messages[1]; a.Status != store.StatusStopped || a.Text != "partial" {
		t.Errorf("saved answer = %q (%s), want \"partial\" (stopped)", a.Text, a.Status)
	}
}

func TestRetryNoticeCountsDown(t *testing.T) {
	var clock atomic.Int64 // seconds after fixedNow
	now := func() time.Time { return fixedNow().Add(time.Duration(clock.Load()) * time.Second) }
	p := newPipe()
	h := start(t, Options{Provider: p, Now: now}, 120, 24)
	h.send("q")
	p.out <- provider.Chunk{Kind: provider.KindNotice, Text: "openai: 429 Too Many Requests (retry 1 of 2)", Wait: 2500 * time.Millisecond}
	h.waitText("(retry 1 of 2); retrying in 3s")
	clock.Store(2)
	h.waitText("(retry 1 of 2); retrying in 1s") // the waiting tick redraws it
	p.text("answer")
	s := h.waitText("answer")
	if strings.Contains(s, "retrying") {
		t.Errorf("the retry notice outlived the first token:\n%s", s)
	}
	p.out <- provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	h.waitText("done")
	h.quit()
}

func TestNoticeWithoutRetryIsShownAsIs(t *testing.T) {
	n := newNotice("model is loading", 0, fixedNow())
	if got := n.at(fixedNow().Add(time.Hour)); got != "model is loading" {
		t.Errorf("notice = %q", got)
	}
}

// The model is resolved in a command: a slow switch (api_key_cmd, say)
// does not stop the chat from taking keys meanwhile.
func TestSlowSwitchDoesNotBlockTyping(t *testing.T) {
	second := &fakeProvider{script: words("from b"), reqs: make(chan provider.Request, 1)}
	asked, release := make(chan struct{}), make(chan struct{})
	opts := Options{
		Provider: &fakeProvider{},
		Model:    "a:x",
		Models:   func(context.Context) ([]string, error) { return []string{"a:x", "b:y"}, nil },
		Switch: func(string) (provider.Provider, provider.Request, error) {
			close(asked)
			<-release
			return second, provider.Request{Model: "y"}, nil
		},
	}
	h := start(t, opts, 80, 24)
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	h.press('l', tea.ModCtrl)
	h.waitText("Switch model")
	h.typeText("b")
	h.waitFor("the filtered list", func(s string) bool { return !strings.Contains(s, "a:x  (current)") })
	h.press(tea.KeyEnter, 0)
	<-asked
	typed := make(chan struct{})
	go func() { h.typeText("meanwhile"); close(typed) }()
	select {
	case <-typed:
	case <-time.After(5 * time.Second):
		t.Fatal("the chat took no key while the model was being resolved")
	}
	h.waitText("meanwhile")
	if s := h.screen(); strings.Contains(s, "now talking to") {
		t.Fatalf("switched before the switch returned:\n%s", s)
	}
	released = true
	close(release)
	h.waitText("now talking to b:y")
	h.press(tea.KeyEnter, 0)
	if req := <-second.reqs; req.Model != "y" {
		t.Errorf("request model = %q, want y", req.Model)
	}
	h.waitText("from b")
	h.quit()
}

func TestEditLastAfterModelSwitch(t *testing.T) {
	m := New(Options{
		Provider: &fakeProvider{}, Model: "a:x", Theme: ThemeNone, Now: fixedNow,
		Request: provider.Request{Messages: []provider.Message{
			{Role: provider.RoleUser, Content: "the question"},
			{Role: provider.RoleAssistant, Content: "the answer"},
		}},
		Switch: func(string) (provider.Provider, provider.Request, error) {
			return &fakeProvider{}, provider.Request{}, nil
		},
	})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(m.switchModel("b:y")()) // the switch runs as a command; its message applies it
	m.Update(tea.KeyPressMsg{Code: 'e', Mod: tea.ModAlt})
	if got := m.in.Value(); got != "the question" {
		t.Errorf("input = %q, want the last prompt", got)
	}
	if len(m.tr.entries) != 1 || m.tr.entries[0].kind != entryInfo {
		t.Errorf("transcript keeps %d entries; want only the switch line", len(m.tr.entries))
	}
}
