package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// chatSaving starts the chat at 80×24 with p and a store of its own.
func chatSaving(t *testing.T, p provider.Provider) (*harness, *store.Store) {
	t.Helper()
	st := openStore(t)
	return start(t, Options{Provider: p, Store: st}, 80, 24), st
}

// onlyConversation returns the one conversation st holds, failing the
// test when it holds another number.
func onlyConversation(t *testing.T, st *store.Store) store.Conversation {
	t.Helper()
	list, err := st.List(context.Background(), 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v; want one conversation", list, err)
	}
	return list[0]
}

// reopen starts the chat at 80×24 again on the one conversation st holds,
// as a later run that resumes it.
func reopen(t *testing.T, st *store.Store) *harness {
	t.Helper()
	return start(t, Options{Provider: &fakeProvider{}, Store: st, ConversationID: onlyConversation(t, st).ID}, 80, 24)
}

// saveConversation saves conv with msgs in st, as an earlier session did.
func saveConversation(t *testing.T, st *store.Store, conv store.Conversation, msgs ...store.Message) store.Conversation {
	t.Helper()
	ctx := context.Background()
	c, err := st.CreateConversation(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		m.ConversationID = c.ID
		if _, err := st.AddMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestStopKeepsPartialAnswerAndSavesIt(t *testing.T) {
	f := held("Half of an answer")
	h, st := chatSaving(t, f)
	h.send("question")
	h.waitText("Half of an answer")
	h.press(tea.KeyEscape, 0)
	s := h.waitText("stopped")
	if !strings.Contains(s, "Half of an answer") {
		t.Fatalf("the partial answer is gone after esc:\n%s", s)
	}
	h.quit()

	c, err := st.Get(context.Background(), onlyConversation(t, st).ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 {
		t.Fatalf("saved %d messages, want 2", len(c.Messages))
	}
	a := c.Messages[1]
	if a.Text != "Half of an answer" || a.Status != store.StatusStopped {
		t.Errorf("saved answer = %q (%s), want the partial text, stopped", a.Text, a.Status)
	}
}

func TestResumeShowsSavedConversationAndContinuesIt(t *testing.T) {
	st := openStore(t)
	c := saveConversation(t, st, store.Conversation{Title: "old"},
		store.Message{Role: provider.RoleUser, Text: "earlier question"},
		store.Message{Role: provider.RoleAssistant, Text: "earlier answer"})
	f := &fakeProvider{script: words("new answer"), reqs: make(chan provider.Request, 1)}
	h := start(t, Options{Provider: f, Store: st, ConversationID: c.ID}, 80, 24)
	h.waitText("earlier answer")
	h.send("next")
	req := <-f.reqs
	h.waitText("new answer")
	h.quit()
	got := fmt.Sprint(req.Messages)
	want := fmt.Sprint([]provider.Message{
		{Role: provider.RoleUser, Content: "earlier question"},
		{Role: provider.RoleAssistant, Content: "earlier answer"},
		{Role: provider.RoleUser, Content: "next"},
	})
	if got != want {
		t.Errorf("request messages = %s, want %s", got, want)
	}
	conv, err := st.Get(context.Background(), c.ID)
	if err != nil || len(conv.Messages) != 4 {
		t.Fatalf("conversation after resume: %v, %v; want 4 messages", conv, err)
	}
}

func TestAnswerCannotDriveTheTerminal(t *testing.T) {
	evil := []provider.Chunk{
		{Kind: provider.KindText, Text: "safe \x1b]0;pwned\x07title "},
		{Kind: provider.KindText, Text: "split \x1b]52;c;ZXZp"}, // OSC 52 split across deltas
		{Kind: provider.KindText, Text: "bA==\x07clip \x1b[2Jclear \x9b31mred\u202Eend"},
	}
	h := start(t, Options{Provider: &fakeProvider{script: evil}, Theme: ThemeNone}, 80, 24)
	h.send("go")
	h.waitText("done")
	raw := h.rawScreen()
	h.quit()
	for _, bad := range []string{"\x1b]", "pwned", "ZXZp", "bA==", "\x1b[2J", "\x9b", "\u202E"} {
		if strings.Contains(raw, bad) {
			t.Errorf("screen contains %q:\n%q", bad, raw)
		}
	}
	for _, good := range []string{"safe", "title", "split", "clip", "clear", "red", "⟨U+202E⟩end"} {
		if !strings.Contains(raw, good) {
			t.Errorf("screen lost %q:\n%s", good, raw)
		}
	}
}

func TestFollowTailAndNewContentBelow(t *testing.T) {
	p := newPipe()
	h := start(t, Options{Provider: p}, 80, 24)
	h.send("count")
	var b strings.Builder
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "line %d\n\n", i)
	}
	p.text(b.String())
	h.waitText("line 60") // following: the bottom is in view
	h.press(tea.KeyPgUp, 0)
	s := h.waitText("scrolled")
	if strings.Contains(s, "line 60") {
		t.Fatalf("page up still shows the bottom:\n%s", s)
	}
	p.text("line 61\n\n")
	s = h.waitText("new content below")
	if strings.Contains(s, "line 61") {
		t.Fatalf("not following, yet the new line is in view:\n%s", s)
	}
	h.press(tea.KeyEnd, 0)
	h.waitFor("the bottom after end", func(s string) bool {
		return strings.Contains(s, "line 61") && !strings.Contains(s, "new content below")
	})
	p.text("line 62\n\n")
	h.waitText("line 62") // following again
	p.out <- provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	h.waitText("done")
	h.quit()
}

func TestHistoryRegenerateAndEditLast(t *testing.T) {
	f := &fakeProvider{script: words("an answer"), reqs: make(chan provider.Request, 4)}
	h := start(t, Options{Provider: f}, 80, 24)
	h.send("first prompt")
	<-f.reqs
	h.waitText("done")

	h.press(tea.KeyUp, 0) // empty input: recall
	h.waitText("› first prompt")
	h.press(tea.KeyDown, 0)
	h.waitText("Ask anything")

	h.press('r', tea.ModCtrl) // regenerate
	req := <-f.reqs
	if len(req.Messages) != 1 || req.Messages[0].Content != "first prompt" {
		t.Errorf("regenerate sent %v, want only the first prompt", req.Messages)
	}
	h.waitText("done")

	h.press('e', tea.ModAlt) // edit and resend
	s := h.waitText("› first prompt")
	if strings.Contains(s, "an answer") {
		t.Errorf("edit kept the old answer in view:\n%s", s)
	}
	h.send(" again")
	req = <-f.reqs
	if len(req.Messages) != 1 || req.Messages[0].Content != "first prompt again" {
		t.Errorf("resend sent %v, want the edited prompt alone", req.Messages)
	}
	h.waitText("done")
	h.quit()
}

func TestCtrlCStopsThenQuits(t *testing.T) {
	f := held("partial")
	h := start(t, Options{Provider: f}, 80, 24)
	h.send("q")
	h.waitText("partial")
	h.press('c', tea.ModCtrl)
	h.waitText("stopped")
	h.press('c', tea.ModCtrl)
	h.tm.WaitFinished(t)
}

func TestReasoningToggle(t *testing.T) {
	script := []provider.Chunk{{Kind: provider.KindReasoning, Text: "secret plan"}}
	script = append(script, words("visible answer")...)
	h := start(t, Options{Provider: &fakeProvider{script: script}}, 80, 24)
	h.send("q")
	s := h.waitText("done")
	if strings.Contains(s, "secret plan") || !strings.Contains(s, "▸ Thought · ctrl+t shows it") {
		t.Fatalf("reasoning is not collapsed:\n%s", s)
	}
	h.press('t', tea.ModCtrl)
	h.waitText("secret plan")
	h.quit()
}

func TestDescribeUsesProviderWords(t *testing.T) {
	title, detail := describe(fmt.Errorf("wrapped: %w", &provider.APIError{
		Provider: "openai", Status: 429, Message: "Rate limit reached", Advice: "wait a minute",
	}))
	if title != "openai is rate limiting requests (429)" || detail != "Rate limit reached. wait a minute" {
		t.Errorf("describe = %q, %q", title, detail)
	}
	title, _ = describe(errors.New("boom"))
	if title != "The request failed" {
		t.Errorf("describe(other) title = %q", title)
	}
}

func TestLastCodeBlock(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"none", "just text", ""},
		{"one", "a\n```go\nx := 1\n```\nb", "x := 1"},
		{"last of two", "```\none\n```\n\n~~~sh\ntwo\n~~~\n", "two"},
		{"open at end", "```py\nprint(1)\nprint(2)", "print(1)\nprint(2)"},
		{"longer fence", "````\n```\ninner\n```\n````", "```\ninner\n```"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastCodeBlock(tt.md); got != tt.want {
				t.Errorf("lastCodeBlock = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResizeRewrapsOnceSettled(t *testing.T) {
	f := &fakeProvider{script: words(strings.Repeat("wrapped words go here ", 12))}
	h := start(t, Options{Provider: f}, 120, 24)
	h.send("q")
	h.waitText("done")
	h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 24})
	// At once the old lines are clipped to the new width; once the size
	// settles they are wrapped again and every phrase is back.
	h.waitFor("the re-wrapped answer", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if len([]rune(l)) > 60 {
				return false
			}
		}
		return strings.Count(s, "here") == 12
	})
	h.quit()
}

func TestNewlineKeysAndWheel(t *testing.T) {
	f := &fakeProvider{script: words(strings.Repeat("filler line\n\n", 40)), reqs: make(chan provider.Request, 1)}
	h := start(t, Options{Provider: f}, 80, 24)
	h.typeText("one")
	h.press(tea.KeyEnter, tea.ModAlt)
	h.typeText("two")
	h.press(tea.KeyEnter, tea.ModShift)
	h.send("three")
	if got := (<-f.reqs).Messages[0].Content; got != "one\ntwo\nthree" {
		t.Errorf("sent %q, want three lines", got)
	}
	h.waitText("done")
	for range 5 {
		h.tm.Send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	}
	h.waitText("scrolled")
	for range 10 {
		h.tm.Send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	}
	h.waitFor("following again", func(s string) bool { return !strings.Contains(s, "scrolled") })
	h.quit()
}

func TestFastStreamIsCoalescedIntoFrames(t *testing.T) {
	const n = 5000
	script := make([]provider.Chunk, n)
	for i := range script {
		script[i] = provider.Chunk{Kind: provider.KindText, Text: "w "}
	}
	script[n-1].Text = "last"
	h := start(t, Options{Provider: &fakeProvider{script: script}}, 80, 24)
	h.send("go")
	h.waitFor("the last token", func(s string) bool {
		return strings.Contains(s, "last") && strings.Contains(s, "done")
	})
	var renders int
	h.inspect(func(m *Model) { renders = m.turns[0].answer.renders })
	h.quit()
	// One render per frame (60 a second) plus the final one; rendering per
	// delta would mean 5,000. The bound is loose on purpose: a slow machine
	// only coalesces more.
	if renders > n/10 {
		t.Errorf("the answer was rendered %d times for %d deltas", renders, n)
	}
	t.Logf("%d deltas, %d renders", n, renders)
}

func TestLongConversationRendersOnlyWhatIsVisible(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "f:m", Theme: ThemeDark, Now: fixedNow,
		Request: provider.Request{Messages: historyOf(5_000)}})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	first, last := m.turns[0].answer, m.turns[len(m.turns)-1].answer
	if first.renders != 0 {
		t.Errorf("the first answer, far above the window, was rendered %d times", first.renders)
	}
	if last.renders != 1 {
		t.Errorf("the last answer, in view, was rendered %d times; want 1", last.renders)
	}
	for range 500 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "question 0") {
		t.Errorf("paging to the top does not show the first prompt:\n%s", ansi.Strip(m.View().Content))
	}
	if first.renders != 1 {
		t.Errorf("the first answer, now in view, was rendered %d times; want 1", first.renders)
	}
}

func TestPageUpIsContinuousThroughUnrenderedEntries(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "f:m", Theme: ThemeNone, Now: fixedNow,
		Request: provider.Request{Messages: historyOf(5_000)}})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	window := func() []string { return strings.Split(ansi.Strip(m.tr.view()), "\n") }
	rows := m.tr.height
	for page := range 15 {
		before := window()
		m.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
		after := window()
		if m.tr.offset == 0 {
			break // the top: the move was cut short
		}
		// A page is rows-2 lines: the old top line is now two rows above
		// the bottom.
		if after[rows-2] != before[0] || after[rows-1] != before[1] {
			t.Fatalf("page %d is not continuous:\nbefore:\n%s\nafter:\n%s",
				page, strings.Join(before, "\n"), strings.Join(after, "\n"))
		}
	}
}

// slowOpen is a provider whose Stream returns only when released, like an
// adapter that connects before returning.
type slowOpen struct {
	release chan struct{}
	fakeProvider
}

func (s *slowOpen) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	<-s.release
	return s.fakeProvider.Stream(ctx, req)
}

func TestStopWhileConnectingKeepsOneConversation(t *testing.T) {
	p := &slowOpen{release: make(chan struct{}), fakeProvider: fakeProvider{script: words("second answer")}}
	h, st := chatSaving(t, p)
	h.send("one")
	h.waitText("connecting")
	h.press(tea.KeyEscape, 0)
	h.waitText("stopped")
	close(p.release) // the stopped request's Stream returns now
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var id string
		h.inspect(func(m *Model) { id = m.convID })
		if id != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the conversation saved for the stopped prompt was never adopted")
		}
	}
	h.send("two")
	h.waitText("second answer")
	h.waitText("done")
	h.quit()
	if c := onlyConversation(t, st); c.MessageCount != 4 {
		t.Fatalf("the conversation has %d messages, want 4", c.MessageCount)
	}
}

func TestDescribeSaysTheAnswerIsIncompleteFirst(t *testing.T) {
	err := &provider.LostError{Deltas: 3, Err: &provider.APIError{Provider: "acme", Status: 503, Message: "resuming failed"}}
	title, detail := describe(err)
	if title != "Connection lost after 3 tokens" || !strings.Contains(detail, "incomplete") || !strings.Contains(detail, "resuming failed") {
		t.Errorf("describe(lost wrapping an API error) = %q, %q", title, detail)
	}
}
