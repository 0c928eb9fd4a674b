package main

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// inlineServer answers each prompt with a short markdown answer that
// names the prompt and counts the requests: "Answer 2 to second".
func inlineServer(t *testing.T) *httptest.Server {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			text := fmt.Sprintf("## Answer %d to %s\n\nSome **bold** words about %s.\n", n.Add(1), r.Prompt(), r.Prompt())
			return chatserver.Answer{Tokens: chatserver.Words(text), Pause: 5 * time.Millisecond}
		}}))
	t.Cleanup(srv.Close)
	return srv
}

// inlineChat runs the built binary's inline chat against srv in tmux.
func inlineChat(t *testing.T, srv *httptest.Server, width int, args ...string) *tmuxTerm {
	t.Helper()
	return inlineChatEnv(t, srv, width, nil, args...)
}

// inlineChatEnv is inlineChat with more of the environment: env's
// variables are set too.
func inlineChatEnv(t *testing.T, srv *httptest.Server, width int, env []string, args ...string) *tmuxTerm {
	t.Helper()
	env = append([]string{"OPENAI_API_KEY=sk-test", noRetry(t), "PARLEY_DATA_DIR=" + t.TempDir()}, env...)
	tt := startTmux(t, width, 30, env, append([]string{"--inline", "-m", "openai:m", "--base-url", srv.URL}, args...)...)
	tt.wait("Ask anything", 15*time.Second)
	return tt
}

// exchange sends prompt and waits for want and the end of the answer.
func (tt *tmuxTerm) exchange(prompt, want string) {
	tt.t.Helper()
	tt.keys(prompt, "Enter")
	tt.wait(want, 15*time.Second)
	tt.wait("done", 5*time.Second)
}

// quit ends the chat with Ctrl+D and returns the scrollback once the
// shell's prompt shows.
func (tt *tmuxTerm) quit() string {
	tt.t.Helper()
	tt.keys("C-d")
	if code := tt.exited(15 * time.Second); code != "0" {
		tt.t.Fatalf("exit status %s; screen:\n%s", code, tt.screen())
	}
	tt.wait("shell$", 5*time.Second)
	return tt.scrollback()
}

// inOrder checks that the scrollback holds each of want once, in order.
func inOrder(t *testing.T, scrollback string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		if n := strings.Count(scrollback, w); n != 1 {
			t.Fatalf("%q is in the scrollback %d times, want once; the scrollback:\n%s", w, n, scrollback)
		}
		i := strings.Index(scrollback, w)
		if i < at {
			t.Fatalf("%q is out of order in the scrollback:\n%s", w, scrollback)
		}
		at = i
	}
}

// Two exchanges, then quit: both stay in the scrollback, rendered, in
// order, and the shell's prompt follows on a line of its own.
func TestInlineTwoExchangesStayInTheScrollback(t *testing.T) {
	tt := inlineChat(t, inlineServer(t), 100)
	tt.exchange("first", "words about first.")
	tt.exchange("second", "words about second.")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "Some bold words about first.",
		"▌ second", "Answer 2 to second", "Some bold words about second.")
	if strings.Contains(sb, "**") || strings.Contains(sb, "Ask anything") {
		t.Errorf("the scrollback holds unrendered markdown or the input:\n%s", sb)
	}
	lines := strings.Split(strings.TrimRight(sb, "\n "), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "shell$") {
		t.Errorf("the shell's prompt is not on a line of its own: %q; the scrollback:\n%s", last, sb)
	}
}

// A long answer is in the scrollback whole, each heading and paragraph
// once.
func TestInlineLongAnswerWhollyInTheScrollback(t *testing.T) {
	answer := chatserver.Markdown(2000)
	tt := inlineChat(t, slowServer(t, answer, time.Millisecond), 100)
	tt.keys("the question", "Enter")
	tt.wait("done", 30*time.Second)
	checkShownOnce(t, tt.quit(), answer)
}

// Esc stops the answer and keeps what arrived, with a note that it is
// incomplete.
func TestInlineStopKeepsWhatArrived(t *testing.T) {
	answer := chatserver.Markdown(2000)
	tt := inlineChat(t, slowServer(t, answer, 5*time.Millisecond), 100)
	tt.keys("the question", "Enter")
	tt.wait("Section 2", 15*time.Second)
	tt.keys("Escape")
	tt.wait("stopped", 5*time.Second)
	sb := tt.quit()
	inOrder(t, sb, "▌ the question", chatserver.FirstWord, "Section 1", "Section 2", "stopped: the answer above is incomplete")
	if strings.Contains(sb, chatserver.LastWord) {
		t.Errorf("the stopped answer went on to its end:\n%s", sb)
	}
}

// Regenerate prints the new answer below the old one, with a note that
// it replaces it; help is drawn at the bottom and never printed; copy
// puts the answer on the clipboard (OSC 52, which tmux keeps as a buffer).
func TestInlineRegenerateHelpCopy(t *testing.T) {
	tt := inlineChat(t, inlineServer(t), 100)
	tt.exchange("first", "words about first.")
	tt.keys("C-r")
	tt.wait("Answer 2 to first", 15*time.Second)
	tt.wait("done", 5*time.Second)
	tt.keys("C-y")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(tt.tmuxOK("show-buffer"), "Answer 2 to first") {
		if time.Now().After(deadline) {
			t.Fatalf("the clipboard holds %q, want the last answer", tt.tmuxOK("show-buffer"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	tt.keys("F1")
	tt.wait("Keys", 5*time.Second)
	// The help is as tall as half the screen at most and scrolls there.
	for i := 0; i < 40 && !strings.Contains(tt.screen(), "regenerate answer"); i++ {
		tt.keys("Down")
		time.Sleep(50 * time.Millisecond)
	}
	tt.wait("regenerate answer", 5*time.Second)
	tt.keys("Escape")
	waitGone(t, tt, "regenerate answer")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "replaces the one above", "Answer 2 to first")
	if strings.Contains(sb, "regenerate answer") {
		t.Errorf("the help was printed into the scrollback:\n%s", sb)
	}
}

// tmuxOK runs a tmux command and returns its output, or "" if it failed.
func (tt *tmuxTerm) tmuxOK(a ...string) string {
	out, _ := execTmux(tt.sock, a...)
	return out
}

// waitGone polls the screen until it no longer shows s.
func waitGone(t *testing.T, tt *tmuxTerm, s string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Contains(tt.screen(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen still shows %q:\n%s", s, tt.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var sectionRE = regexp.MustCompile(`Section \d+`)

// A terminal narrowed and widened while an answer streams inline keeps
// every heading and paragraph once in the scrollback.
func TestInlineResizedMidAnswer(t *testing.T) {
	answer := chatserver.Markdown(1500)
	for _, widths := range [][2]int{{100, 60}, {120, 80}, {60, 100}} {
		t.Run(fmt.Sprintf("%d-%d", widths[0], widths[1]), func(t *testing.T) {
			srv := newStallServer(t, answer, time.Millisecond)
			tt := inlineChat(t, srv.Server, widths[0])
			tt.keys("the question", "Enter")
			tt.resizeMidAnswer(srv, widths[0], widths[1])
			tt.wait("done", 30*time.Second)
			sb := tt.quit()
			checkShownOnce(t, sb, answer)
			if n := len(sectionRE.FindAllString(sb, -1)); n != strings.Count(strings.Join(answer, ""), "## Section") {
				t.Errorf("%d headings in the scrollback", n)
			}
		})
	}
}

// A window narrowed to 60 columns while the first answer of an inline chat
// streams, at the top of an empty window, with a paragraph taller than the
// rows above the region: tmux re-wraps the region's rows and pushes as
// many rows as it added into its scrollback, and near the top those were
// the region's own (and Bubble Tea's erase on the screen's first row a
// clear, which tmux copies into its scrollback): the paragraph was in the
// scrollback twice. The region now holds no more wide rows than there are
// rows above it (see inlinePrinter.wideRoom).
func TestInlineNarrowedAtTheTop(t *testing.T) {
	var answer []string
	for i := range 160 {
		answer = append(answer, fmt.Sprintf("word%d ", i))
	}
	answer = append(answer, "\n\nThe end.")
	reached, goOn := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		Answer: chatserver.Answer{Tokens: answer, Pause: time.Millisecond},
		OnDelta: func(i int) {
			if i == 140 { // eleven rows of the paragraph at 100 columns
				reached <- struct{}{}
				<-goOn
			}
		}}))
	t.Cleanup(srv.Close)
	tt := inlineChat(t, srv, 100)
	tt.keys("the question", "Enter")
	select {
	case <-reached:
	case <-time.After(20 * time.Second):
		t.Fatalf("the answer did not reach its stall; screen:\n%s", tt.screen())
	}
	time.Sleep(300 * time.Millisecond) // the tail is drawn
	tt.resize(60)
	time.Sleep(300 * time.Millisecond) // the terminal re-wrapped it
	close(goOn)
	tt.wait("done", 30*time.Second)
	sb := tt.quit()
	for _, w := range []string{"word0 ", "word100 ", "word139 ", "word159", "The end."} {
		if n := strings.Count(sb, w); n != 1 {
			t.Errorf("%q is in the scrollback %d times, want once", w, n)
		}
	}
	if t.Failed() {
		t.Logf("the scrollback:\n%s", sb)
	}
}

// inlineAfterFirst runs an inline chat of one exchange ("first"), quits
// it, and starts a second one on the same store with more args.
func inlineAfterFirst(t *testing.T, more ...string) *tmuxTerm {
	t.Helper()
	srv := inlineServer(t)
	env := []string{"OPENAI_API_KEY=sk-test", noRetry(t), "PARLEY_DATA_DIR=" + t.TempDir()}
	args := []string{"--inline", "-m", "openai:m", "--base-url", srv.URL}
	tt := startTmux(t, 100, 30, env, args...)
	tt.wait("Ask anything", 15*time.Second)
	tt.exchange("first", "words about first.")
	tt.quit()
	return startTmux(t, 100, 30, env, append(args, more...)...)
}

// -c prints the conversation it continues before the input; a new
// conversation (Ctrl+N) is marked by a rule.
func TestInlineContinueAndNewConversation(t *testing.T) {
	tt := inlineAfterFirst(t, "-c")
	tt.wait("words about first.", 15*time.Second)
	tt.exchange("second", "words about second.")
	tt.keys("C-n")
	tt.wait("───", 5*time.Second)
	tt.exchange("third", "words about third.")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "▌ second", "Answer 2 to second", "──\n", "▌ third", "Answer 3 to third")
}

// Edit & resend prints the new exchange below the old one with a note;
// the reasoning's summary and an error are printed too.
func TestInlineEditReasoningError(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			text := fmt.Sprintf("## Answer %d to %s\n\nSome words.\n", n.Add(1), r.Prompt())
			return chatserver.Answer{Reasoning: []string{"let", " me", " think"}, Tokens: chatserver.Words(text), Pause: 5 * time.Millisecond}
		}}))
	t.Cleanup(srv.Close)
	tt := inlineChat(t, srv, 100)
	tt.keys("C-t") // show the reasoning
	tt.exchange("first", "Answer 1 to first")
	tt.keys("M-e")
	tt.wait("› first", 5*time.Second)
	tt.exchange(" again", "Answer 2 to first again")
	srv.Close()
	tt.keys("third", "Enter")
	tt.wait("✗", 15*time.Second)
	sb := tt.quit()
	inOrder(t, sb, "▌ first\n", "Answer 1 to first", "edited and sent again", "▌ first again", "Answer 2 to first again", "▌ third", "✗")
	if c := len(regexp.MustCompile(`│ +let me think`).FindAllString(sb, -1)); c != 2 {
		t.Errorf("%d reasonings in the scrollback, want 2:\n%s", c, sb)
	}
	if c := strings.Count(sb, "▸ Thought"); c != 2 {
		t.Errorf("%d reasoning summaries in the scrollback, want 2:\n%s", c, sb)
	}
}

// Quitting while an answer streams prints what arrived, marked stopped,
// before the shell's prompt.
func TestInlineQuitMidAnswer(t *testing.T) {
	answer := chatserver.Markdown(2000)
	tt := inlineChat(t, slowServer(t, answer, 5*time.Millisecond), 100)
	tt.keys("the question", "Enter")
	tt.wait("Section 2", 15*time.Second)
	sb := tt.quit()
	inOrder(t, sb, "▌ the question", chatserver.FirstWord, "Section 1", "Section 2", "stopped: the answer above is incomplete", "shell$")
}

// Quitting right after a long open block arrived prints all of it, in the
// pieces that fit above the bottom region, before the shell's prompt: the
// quit waits for the last piece (inlinePrinter.quit).
func TestInlineQuitAfterLongTail(t *testing.T) {
	var b strings.Builder
	b.WriteString("Some words first.\n\n```\n")
	var want []string
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "codeline-%02d\n", i)
		want = append(want, fmt.Sprintf("codeline-%02d", i))
	}
	tokens := append(chatserver.Words(b.String()), "the end\n```\n")
	stop := make(chan struct{})
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		Answer: chatserver.Answer{Tokens: tokens, Pause: time.Millisecond},
		OnDelta: func(i int) {
			if i == len(tokens)-1 { // the block stays open until the chat quits
				<-stop
			}
		}}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	tt := inlineChat(t, srv, 100)
	tt.keys("the question", "Enter")
	tt.wait("codeline-60", 15*time.Second)
	sb := tt.quit()
	inOrder(t, sb, append(append([]string{"▌ the question", "Some words first."}, want...), "stopped", "shell$")...)
	if strings.Contains(sb, "? help") {
		t.Errorf("the status line was left in the scrollback:\n%s", sb)
	}
}
