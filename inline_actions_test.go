package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// $EDITOR (Ctrl+X) works inline: the prompt it writes is sent, and the
// exchange is printed into the scrollback as one typed would be.
func TestInlineEditor(t *testing.T) {
	editor := filepath.Join(t.TempDir(), "editor")
	script := "#!/bin/sh\nprintf 'written in the editor' >\"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	tt := inlineChatEnv(t, inlineServer(t), 100, []string{"EDITOR=" + editor})
	tt.keys("C-x")
	tt.wait("written in the editor", 10*time.Second)
	tt.keys("Enter")
	tt.wait("words about written in the editor.", 15*time.Second)
	tt.wait("done", 5*time.Second)
	sb := tt.quit()
	inOrder(t, sb, "▌ written in the editor", "Answer 1 to written in the editor", "words about written in the editor.", "shell$")
}

// modelServer answers each prompt naming the model asked.
func modelServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			text := fmt.Sprintf("## From %s to %s\n\nSome words.\n", r.Model, r.Prompt())
			return chatserver.Answer{Tokens: chatserver.Words(text), Pause: 5 * time.Millisecond}
		}}))
	t.Cleanup(srv.Close)
	return srv
}

// The model picker (Ctrl+L) is drawn at the bottom and never printed; the
// next answer comes from the model picked.
func TestInlineModelPicker(t *testing.T) {
	srv := modelServer(t)
	tt := inlineChatEnv(t, srv, 100, []string{"OPENAI_BASE_URL=" + srv.URL})
	tt.exchange("first", "From m to first")
	tt.keys("C-l")
	tt.wait("Switch model", 10*time.Second)
	tt.keys("openai:other")
	tt.wait("enter uses", 10*time.Second)
	tt.keys("Enter")
	tt.wait("now talking to openai:other", 10*time.Second)
	tt.exchange("second", "From other to second")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "From m to first", "switched to openai:other", "▌ second", "From other to second")
	if strings.Contains(sb, "Switch model") {
		t.Errorf("the picker was printed into the scrollback:\n%s", sb)
	}
}

// Opening a saved conversation (Ctrl+O) prints it into the scrollback,
// and the chat continues it.
func TestInlineOpenSaved(t *testing.T) {
	tt := inlineAfterFirst(t)
	tt.wait("Ask anything", 15*time.Second)
	tt.keys("C-o")
	tt.wait("first", 10*time.Second)
	tt.keys("Enter")
	tt.wait("words about first.", 10*time.Second)
	tt.exchange("second", "words about second.")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "words about first.", "▌ second", "Answer 2 to second", "shell$")
}

// sgrRE finds the SGR sequences of a tmux capture with -e.
var sgrRE = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// sgrs returns the attributes and colours that the SGR sequences of s
// set, the parameters of an extended colour (38;5;n, 38;2;r;g;b) kept
// whole, as "38;5;n".
func sgrs(s string) map[string]bool {
	set := map[string]bool{}
	for _, m := range sgrRE.FindAllStringSubmatch(s, -1) {
		ps := strings.Split(m[1], ";")
		for i := 0; i < len(ps); i++ {
			p := ps[i]
			if (p == "38" || p == "48" || p == "58") && i+1 < len(ps) {
				n := 3
				if ps[i+1] == "2" {
					n = 5
				}
				p = strings.Join(ps[i:min(i+n, len(ps))], ";")
				i += n - 1
			}
			set[p] = true
		}
	}
	return set
}

// colours returns the SGR parameters of set that are colours.
func colours(set map[string]bool) []string {
	var c []string
	for p := range set {
		n, err := strconv.Atoi(p)
		if n == 39 || n == 49 {
			continue // the default colours
		}
		if err != nil || 30 <= n && n <= 49 || 90 <= n && n <= 107 {
			c = append(c, p)
		}
	}
	return c
}

// With NO_COLOR the scrollback holds no colour, and the answers are
// still rendered markdown (in glamour's plain style: a heading keeps its
// "##", bold is bold).
func TestInlineNoColor(t *testing.T) {
	tt := inlineChatEnv(t, inlineServer(t), 100, []string{"NO_COLOR=1"})
	tt.exchange("first", "words about first.")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "Some bold words about first.")
	if strings.Contains(sb, "**") {
		t.Errorf("the scrollback holds unrendered markdown:\n%s", sb)
	}
	esc := tt.tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "t")
	if c := colours(sgrs(esc)); len(c) > 0 {
		t.Errorf("colours %q in the scrollback with NO_COLOR:\n%q", c, esc)
	}
}

// An answer that carries escape sequences never drives the terminal:
// no clipboard write (OSC 52), no title, no clear, no blinking text.
func TestInlineTerminalSafety(t *testing.T) {
	text := "## Before\n\nSome words \x1b]52;c;b3duZWQ=\x07 then \x1b]2;owned\x07 and \x1b[5mblink\x1b[0m and" +
		" \x1b[2J\x1b[H cleared and \x1b[8mhidden\x1b[0m the end.\n"
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		Answer: chatserver.Answer{Tokens: chatserver.Words(text), Pause: 5 * time.Millisecond}}))
	t.Cleanup(srv.Close)
	tt := inlineChat(t, srv, 100)
	tt.exchange("first", "the end.")
	if title := tt.tmux("display-message", "-p", "-t", "t", "#{pane_title}"); strings.Contains(title, "owned") {
		t.Errorf("the answer set the terminal's title: %q", title)
	}
	if buf := tt.tmuxOK("show-buffer"); strings.Contains(buf, "owned") {
		t.Errorf("the answer wrote the clipboard: %q", buf)
	}
	esc := tt.tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "t")
	if set := sgrs(esc); set["5"] || set["8"] {
		t.Errorf("the answer's blink or conceal reached the terminal:\n%q", esc)
	}
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Before", "Some words", "blink", "cleared", "hidden", "the end.", "shell$")
}
