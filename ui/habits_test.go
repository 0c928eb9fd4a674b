package ui

import (
	"context"
	"fmt"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// Ctrl+D with a draft in the input does not quit at once: it says that a
// second press quits and drops the draft, and any other key disarms it.
func TestCtrlDWithDraftAsksBeforeQuitting(t *testing.T) {
	h := start(t, Options{Provider: &fakeProvider{}}, 80, 24)
	h.typeText("a draft worth keeping")
	h.press('d', tea.ModCtrl)
	s := h.waitText("ctrl+d again quits")
	if !strings.Contains(s, "a draft worth keeping") {
		t.Fatalf("the draft is gone after one ctrl+d:\n%s", s)
	}
	h.typeText("!")
	h.waitFor("the hint gone", func(s string) bool { return !strings.Contains(s, "ctrl+d again") })
	h.press('d', tea.ModCtrl)
	h.waitText("ctrl+d again quits")
	h.press('d', tea.ModCtrl)
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// Ctrl+D on an empty input quits at once.
func TestCtrlDOnEmptyInputQuits(t *testing.T) {
	h := start(t, Options{Provider: &fakeProvider{}}, 80, 24)
	h.waitText("Ask anything")
	h.press('d', tea.ModCtrl)
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// Esc before the first token says the answer never began, not that the
// (missing) answer above is incomplete.
func TestStopBeforeFirstTokenSaysSo(t *testing.T) {
	f := &fakeProvider{release: make(chan struct{})}
	h := start(t, Options{Provider: f}, 80, 24)
	h.send("question")
	h.waitText("question")
	h.press(tea.KeyEscape, 0)
	s := h.waitText("stopped")
	if !strings.Contains(s, "stopped before the answer began") || strings.Contains(s, "above is incomplete") {
		t.Fatalf("esc before the first token:\n%s", s)
	}
	h.quit()
}

// The help shows at every size down to 20 columns, and scrolls so that
// every binding can be read on a short screen.
func TestGoldenHelpSmall(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{20, 10}, {34, 15}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			hs := start(t, Options{Provider: &fakeProvider{}}, sz.w, sz.h)
			hs.waitText("Ask")
			hs.press(tea.KeyF1, 0)
			s := hs.waitText("Keys")
			checkScreen(t, s, sz.w, sz.h)
			seen := s
			for i := 0; strings.Contains(s, "↓ more") && i < 100; i++ {
				hs.press(tea.KeyDown, 0)
				prev := s
				s = hs.waitFor("the help to scroll", func(s string) bool { return s != prev })
				seen += "\n" + s
			}
			if strings.Contains(s, "↓ more") {
				t.Fatalf("the help never reached its end:\n%s", s)
			}
			for _, g := range DefaultKeyMap().FullHelp() {
				for _, b := range g {
					want := append([]string{b.Help().Key}, strings.Fields(b.Help().Desc)...)
					for _, w := range want {
						if !strings.Contains(seen, w) {
							t.Errorf("the help never shows %q of %q", w, b.Help().Desc)
						}
					}
				}
			}
			for i := 0; i < 10; i++ {
				hs.press(tea.KeyPgUp, 0)
			}
			hs.waitText("Keys")
			hs.quit()
		})
	}
}

// The reasoning's header counts real tokens, from the provider's usage,
// never deltas; a reopened conversation says the same as the live one.
func TestThoughtCountsAreHonest(t *testing.T) {
	st := openStore(t)
	script := []provider.Chunk{
		{Kind: provider.KindReasoning, Text: "The user wants "},
		{Kind: provider.KindReasoning, Text: "a plan."},
		{Kind: provider.KindUsage, Usage: provider.Usage{OutputTokens: 50, ReasoningTokens: 42}},
	}
	script = append(script, words("Here is the plan.")...)
	h := start(t, Options{Provider: &fakeProvider{script: script}, Store: st}, 80, 24)
	h.send("plan it")
	h.waitText("Here is the plan.")
	live := h.waitText("Thought · 42 tokens")
	if strings.Contains(live, "· 2 tokens") || strings.Contains(live, "(2 tokens)") {
		t.Errorf("deltas counted as tokens:\n%s", live)
	}
	h.quit()

	h = reopen(t, st)
	h.waitText("Here is the plan.")
	h.waitText("Thought · 42 tokens")
	h.quit()

	// Without usage, no number at all rather than a count of deltas.
	one := []provider.Chunk{{Kind: provider.KindReasoning, Text: "Hmm."}, {Kind: provider.KindText, Text: "Yes."}}
	h = start(t, Options{Provider: &fakeProvider{script: one}}, 80, 24)
	h.send("well?")
	s := h.waitText("Thought · ctrl+t shows it")
	if strings.Contains(s, "1 tokens") {
		t.Errorf("one delta shown as a token count:\n%s", s)
	}
	h.quit()
}

// While the model thinks, the header says for how long, from its first
// reasoning delta; once the answer began, "Thought for 12 s", and a
// reopened conversation says the same, from the store.
func TestThinkingShowsSeconds(t *testing.T) {
	var mu sync.Mutex
	clock := fixedNow()
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	tick := func(d time.Duration) {
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
	}
	st := openStore(t)
	p := newPipe()
	h := start(t, Options{Provider: p, Now: now, Store: st}, 80, 24)
	h.send("think")
	p.out <- provider.Chunk{Kind: provider.KindReasoning, Text: "first "}
	h.waitText("Thinking…")
	tick(9 * time.Second)
	p.out <- provider.Chunk{Kind: provider.KindReasoning, Text: "second"}
	h.waitText("Thinking… (9 s)")
	tick(3 * time.Second)
	p.text("Done thinking.")
	h.waitText("Done thinking.")
	h.waitText("▸ Thought for 12 s") // the answer began: the thinking is over
	tick(5 * time.Second)            // the answer's own time is not thinking
	p.out <- provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	h.waitText("▸ Thought for 12 s · ctrl+t shows it")
	h.quit()

	h = reopen(t, st)
	h.waitText("Done thinking.")
	h.waitText("▸ Thought for 12 s · ctrl+t shows it")
	h.quit()
}

// The prompts sent in one run come back with ↑ in the next, from the
// store; ↑ and ↓ recall them from the first and last row of a draft,
// and the draft comes back past the newest prompt.
func TestPromptHistoryPersistsAcrossRuns(t *testing.T) {
	h, st := chatSaving(t, &fakeProvider{script: words("ok")})
	h.send("first prompt")
	h.waitText("done")
	h.typeText("second")
	h.press(tea.KeyEnter, tea.ModAlt)
	h.send("two lines")
	h.waitFor("two answers", func(s string) bool { return strings.Count(s, "ok") >= 2 })
	h.quit()

	h = start(t, Options{Provider: &fakeProvider{}, Store: st}, 80, 24)
	h.waitText("Ask anything")
	h.typeText("my draft")
	h.press(tea.KeyUp, 0)
	h.waitText("two lines")
	h.press(tea.KeyUp, 0) // the cursor is on the recalled prompt's last row: it moves up
	h.press(tea.KeyUp, 0)
	s := h.waitText("› first prompt")
	if strings.Contains(s, "two lines") {
		t.Fatalf("both prompts on screen:\n%s", s)
	}
	h.press(tea.KeyDown, 0)
	h.waitText("two lines")
	h.press(tea.KeyDown, 0)
	h.waitText("› my draft")
	h.quit()
}

// Opening a saved conversation with Ctrl+O switches to its model, as -c
// and --resume do.
func TestOpenSwitchesToTheConversationsModel(t *testing.T) {
	st := openStore(t)
	saveConversation(t, st, store.Conversation{Title: "held elsewhere", Model: "big", Provider: "other"},
		store.Message{Role: provider.RoleUser, Text: "old q"})
	switched := make(chan string, 1)
	h := start(t, Options{
		Provider: &fakeProvider{}, Model: "fake:small", Request: provider.Request{Model: "small"}, Store: st,
		Switch: recordSwitch(switched, "big"),
	}, 80, 24)
	h.open("held elsewhere")
	h.waitText("old q")
	if got := recv(t, switched); got != "other:big" {
		t.Errorf("switched to %q, want other:big", got)
	}
	h.waitText("other:big")
	h.quit()
}

// The model picker takes a name typed in full when nothing in the list
// matches it.
func TestModelPickerTakesATypedName(t *testing.T) {
	switched := make(chan string, 1)
	h := start(t, Options{
		Provider: &fakeProvider{}, Model: "a:x",
		Models: func(context.Context) ([]string, error) { return []string{"a:x", "b:y"}, nil },
		Switch: recordSwitch(switched, "brand-new"),
	}, 80, 24)
	h.press('l', tea.ModCtrl)
	h.waitText("Switch model")
	h.typeText("c:brand-new")
	h.waitText("enter uses")
	h.press(tea.KeyEnter, 0)
	if got := recv(t, switched); got != "c:brand-new" {
		t.Errorf("switched to %q", got)
	}
	h.waitText("now talking to c:brand-new")
	h.quit()
}

// recordSwitch is a Switch that sends each spec it is asked for on specs
// and answers with a fakeProvider for model.
func recordSwitch(specs chan<- string, model string) func(string) (provider.Provider, provider.Request, error) {
	return func(spec string) (provider.Provider, provider.Request, error) {
		specs <- spec
		return &fakeProvider{}, provider.Request{Model: model}, nil
	}
}

// recv waits for a value on ch, failing the test after 5 seconds.
func recv(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("nothing came")
		return ""
	}
}

// Editing the first prompt and sending it again retitles the
// conversation after the new first prompt; editing a later one does not.
func TestEditFirstPromptRetitles(t *testing.T) {
	h, st := chatSaving(t, &fakeProvider{script: words("fine")})
	h.send("a typo'd first question")
	h.waitText("done")
	h.editLast("a typo'd first question")
	h.press('u', tea.ModCtrl)
	h.send("the corrected question")
	h.waitText("the corrected question")
	h.waitText("done")
	h.send("a follow-up")
	h.waitFor("the follow-up's answer", func(s string) bool { return strings.Count(s, "fine") >= 2 })
	h.editLast("a follow-up")
	h.press('u', tea.ModCtrl)
	h.send("another follow-up")
	h.waitFor("the second answer again", func(s string) bool {
		return strings.Contains(s, "another follow-up") && strings.Count(s, "fine") >= 2 && strings.Contains(s, "done")
	})
	h.quit()
	if c := onlyConversation(t, st); c.Title != "the corrected question" {
		t.Errorf("title = %q, want the edited first prompt", c.Title)
	}
}
