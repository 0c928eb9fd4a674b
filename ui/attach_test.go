package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/provider"
)

// project writes a small folder of files to attach and returns its path.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"notes.txt":          "remember the milk\n",
		"main.go":            "package main\n\nfunc main() {}\n",
		"numbers.csv":        "1,2,3\n",
		"nested/deep.md":     "# deep\n",
		".hidden":            "secret\n",
		"space name.txt":     "spaced\n",
		"nested/.also-there": "x\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// attachPath attaches path with the attach key and waits until the
// pending line shows want.
func (h *harness) attachPath(path, want string) {
	h.t.Helper()
	h.press('a', tea.ModAlt)
	h.waitText("attach ›")
	h.typeText(path)
	h.press(tea.KeyEnter, 0)
	h.waitFor(want+" pending", func(s string) bool {
		return strings.Contains(s, want) && !strings.Contains(s, "attach ›")
	})
}

func TestGoldenAttachPending(t *testing.T) {
	dir := project(t)
	eachSize(t, func(t *testing.T, w, h int) {
		hs := start(t, Options{Provider: &fakeProvider{}, WorkDir: dir}, w, h)
		hs.waitText("Ask anything")
		hs.attachPath("notes.txt", "notes.txt (18 B)")
		hs.attachPath("main.go", "main.go (29 B)")
		hs.typeText("what do these say?")
		s := hs.waitText("these say?")
		checkScreen(t, s, w, h)
		hs.quit()
	})
}

// The attach prompt completes a name as a shell does: the one match, or
// what several share, with the candidates shown; a folder gets a slash.
func TestAttachCompletion(t *testing.T) {
	dir := project(t)
	h := start(t, Options{Provider: &fakeProvider{}, WorkDir: dir}, 80, 24)
	h.waitText("Ask anything")
	h.press('a', tea.ModAlt)
	h.waitText("attach ›")
	h.typeText("n")
	h.press(tea.KeyTab, 0)
	s := h.waitText("numbers.csv")
	if !strings.Contains(s, "nested/  notes.txt  numbers.csv") || strings.Contains(s, ".hidden") {
		t.Errorf("candidates of n:\n%s\nwant nested/, notes.txt and numbers.csv, no hidden file", s)
	}
	h.typeText("e")
	h.press(tea.KeyTab, 0)
	h.waitText("attach › nested/")
	h.press(tea.KeyTab, 0)
	h.waitText("attach › nested/deep.md")
	h.press(tea.KeyEnter, 0)
	h.waitText("+ nested/deep.md (7 B)")

	h.press('a', tea.ModAlt)
	h.waitText("attach ›")
	h.typeText("zz")
	h.press(tea.KeyTab, 0)
	h.waitText("nothing matches")
	h.press(tea.KeyEscape, 0)
	s = h.waitFor("the input back", func(s string) bool { return !strings.Contains(s, "attach ›") })
	if strings.Contains(s, "nothing matches") {
		t.Errorf("the candidates stayed after esc:\n%s", s)
	}
	h.quit()
}

func TestComplete(t *testing.T) {
	dir := project(t)
	for _, tc := range []struct {
		in, value string
		matches   []string
	}{
		{"no", "notes.txt", nil},
		{"n", "n", []string{"nested/", "notes.txt", "numbers.csv"}},
		{"ne", "nested/", nil},
		{"nested/", "nested/deep.md", nil},
		{"nested/.", "nested/.also-there", nil},
		{".h", ".hidden", nil},
		{"sp", "space name.txt", nil},
		{"", "", []string{"main.go", "nested/", "notes.txt", "numbers.csv", "space name.txt"}},
		{dir + "/ma", dir + "/main.go", nil},
		{"zz", "zz", nil},
		{"missing/x", "missing/x", nil},
	} {
		got := complete(tc.in, dir)
		if got.value != tc.value || !slices.Equal(got.matches, tc.matches) {
			t.Errorf("complete(%q) = %q %q, want %q %q", tc.in, got.value, got.matches, tc.value, tc.matches)
		}
		if (tc.value == tc.in && tc.matches == nil) != (got.miss != "") {
			t.Errorf("complete(%q): miss %q", tc.in, got.miss)
		}
	}
	if got := commonPrefix([]string{"café", "cafè"}); got != "caf" {
		t.Errorf("commonPrefix cut a character: %q", got)
	}
}

// Pasting the path of a file asks whether to attach it: y does, and the
// input is as before the paste; another key keeps the pasted text and
// does what it does.
func TestAttachPaste(t *testing.T) {
	dir := project(t)
	h := start(t, Options{Provider: &fakeProvider{}, WorkDir: dir}, 80, 24)
	h.waitText("Ask anything")
	h.typeText("look at ")
	h.tm.Send(tea.PasteMsg{Content: "'" + filepath.Join(dir, "notes.txt") + "'\n"})
	h.waitText("attach notes.txt? y attaches")
	h.typeText("y")
	s := h.waitText("+ notes.txt (18 B)")
	if !strings.Contains(s, "› look at") || strings.Contains(s, dir) {
		t.Errorf("after y the input shows:\n%s\nwant the text typed before the paste, without the path", s)
	}

	h.tm.Send(tea.PasteMsg{Content: `space\ name.txt`})
	h.waitText("attach space name.txt?")
	h.typeText("!")
	s = h.waitText(`space\ name.txt!`)
	if strings.Contains(s, "attach space name.txt?") || strings.Contains(s, "space name.txt (") {
		t.Errorf("another key than y attached or kept asking:\n%s", s)
	}

	h.tm.Send(tea.PasteMsg{Content: " nested"}) // a folder, not a file: no question
	h.typeText(".")
	s = h.waitText("nested.")
	if strings.Contains(s, "attach nested?") {
		t.Errorf("a pasted folder was offered:\n%s", s)
	}
	h.quit()
}

func TestPastedPath(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/a.txt\n":               "/tmp/a.txt",
		`"/tmp/my file.txt"`:         "/tmp/my file.txt",
		`/tmp/my\ file\ \(1\).txt`:   "/tmp/my file (1).txt",
		"file:///tmp/my%20file.txt":  "/tmp/my file.txt",
		"file://elsewhere/tmp/a.txt": "",
		"two\nlines":                 "",
		"   ":                        "",
	} {
		if got := pastedPath(in); got != want {
			t.Errorf("pastedPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Attachments go with the next prompt, whichever it is, and stay with it:
// the history carries them, regenerate and edit & resend send them again;
// alt+x removes the last before sending.
func TestAttachRequestCarries(t *testing.T) {
	dir := project(t)
	f := &fakeProvider{script: words("an answer"), reqs: make(chan provider.Request, 1)}
	h := start(t, Options{Provider: f, WorkDir: dir}, 80, 24)
	h.waitText("Ask anything")
	names := func(m provider.Message) []string {
		var out []string
		for _, a := range m.Attachments {
			out = append(out, a.Name)
		}
		return out
	}
	h.send("first")
	if req := <-f.reqs; len(req.Messages[0].Attachments) != 0 {
		t.Errorf("the first prompt carried %v, want nothing", names(req.Messages[0]))
	}
	h.waitText("done")

	h.attachPath("notes.txt", "notes.txt (18 B)")
	h.attachPath("main.go", "main.go (29 B)")
	h.attachPath("numbers.csv", "numbers.csv (6 B)")
	h.press('x', tea.ModAlt)
	s := h.waitFor("numbers.csv removed", func(s string) bool { return !strings.Contains(s, "numbers.csv (") })
	if !strings.Contains(s, "+ notes.txt (18 B) · main.go (29 B)") {
		t.Errorf("after alt+x the pending line reads:\n%s", s)
	}
	h.send("second")
	req := <-f.reqs
	if got := names(req.Messages[2]); !slices.Equal(got, []string{"notes.txt", "main.go"}) || string(req.Messages[2].Attachments[0].Data) != "remember the milk\n" {
		t.Errorf("the second prompt carried %v, want notes.txt and main.go", got)
	}
	s = h.waitText("done")
	if !strings.Contains(s, "attached: notes.txt (18 B) · main.go (29 B)") || strings.Contains(s, "+ notes.txt") {
		t.Errorf("after sending the screen shows:\n%s\nwant the files under the prompt and none pending", s)
	}

	h.press('r', tea.ModCtrl)
	if got := names((<-f.reqs).Messages[2]); !slices.Equal(got, []string{"notes.txt", "main.go"}) {
		t.Errorf("regenerate sent %v with the prompt, want notes.txt and main.go", got)
	}
	h.waitText("done")
	h.editLast("second")
	h.waitText("+ notes.txt (18 B) · main.go (29 B)")
	h.send(" again")
	if got := names((<-f.reqs).Messages[2]); !slices.Equal(got, []string{"notes.txt", "main.go"}) {
		t.Errorf("edit & resend sent %v with the prompt, want notes.txt and main.go", got)
	}
	h.waitText("done")
	h.send("third")
	req = <-f.reqs
	if got := names(req.Messages[2]); !slices.Equal(got, []string{"notes.txt", "main.go"}) || len(req.Messages[4].Attachments) != 0 {
		t.Errorf("the third request carried %v in its history and %v with the prompt", got, names(req.Messages[4]))
	}
	h.waitText("done")
	h.quit()
}

// A path that cannot be attached is one line in the transcript; the
// prompt keeps the path to be corrected, and the draft waits in the input.
func TestAttachErrors(t *testing.T) {
	dir := project(t)
	lim := attach.Limits{File: 20, Total: 30}
	h := start(t, Options{Provider: &fakeProvider{}, WorkDir: dir, AttachLimits: lim}, 100, 24)
	h.waitText("Ask anything")
	h.typeText("my draft")
	h.press('a', tea.ModAlt)
	h.typeText("missing.txt")
	h.press(tea.KeyEnter, 0)
	s := h.waitText("Cannot attach missing.txt: no such file or folder")
	if !strings.Contains(s, "attach › missing.txt") {
		t.Errorf("the prompt lost the path:\n%s", s)
	}
	h.press(tea.KeyEscape, 0)
	h.waitText("› my draft")

	h.press('a', tea.ModAlt)
	h.typeText("main.go")
	h.press(tea.KeyEnter, 0)
	h.waitText("over the limit of 20 B for a text file (attach.max_file)")
	h.press(tea.KeyEscape, 0)

	h.attachPath("notes.txt", "notes.txt (18 B)")
	h.attachPath("numbers.csv", "numbers.csv (6 B)")
	h.press('a', tea.ModAlt)
	h.typeText("nested/deep.md")
	h.press(tea.KeyEnter, 0)
	s = h.waitText("(attach.max_total)")
	if !strings.Contains(s, "Cannot attach nested/deep.md: the attachments would come to 31 B") {
		t.Errorf("over the total the transcript shows:\n%s", s)
	}
	h.quit()
}
