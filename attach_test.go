package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/stream/streamtest"
)

// The attachments of issue 15 on every wire, through the built binary:
// what the request body carries for -a, and the one line and exit 2 for
// every path that cannot be attached, with nothing sent.

// sent is the last user message of a request body as a wire carries it:
// its text, and its images as "media/type;base64data".
type sent struct {
	text   string
	images []string
}

// lastUser reads the last user message of body in wire's own form.
func lastUser(t *testing.T, wire string, body []byte) sent {
	t.Helper()
	var s sent
	var req struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
			Images  []string        `json:"images"` // ollama
		} `json:"messages"`
		Contents []struct { // gemini
			Role  string `json:"role"`
			Parts []struct {
				Text       string `json:"text"`
				InlineData *struct {
					MimeType string `json:"mimeType"`
					Data     string `json:"data"`
				} `json:"inlineData"`
			} `json:"parts"`
		} `json:"contents"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("request body: %v: %s", err, body)
	}
	if wire == "gemini" {
		if len(req.Contents) == 0 {
			t.Fatalf("no contents: %s", body)
		}
		for _, p := range req.Contents[len(req.Contents)-1].Parts {
			if p.InlineData != nil {
				s.images = append(s.images, p.InlineData.MimeType+";"+p.InlineData.Data)
			}
			s.text += p.Text
		}
		return s
	}
	if len(req.Messages) == 0 {
		t.Fatalf("no messages: %s", body)
	}
	m := req.Messages[len(req.Messages)-1]
	if m.Role != "user" {
		t.Fatalf("last message is %s's: %s", m.Role, body)
	}
	for _, img := range m.Images {
		s.images = append(s.images, "image/png;"+img) // Ollama sends the bytes alone
	}
	if json.Unmarshal(m.Content, &s.text) == nil {
		return s
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL *struct {
			URL string `json:"url"`
		} `json:"image_url"` // openai
		Source *struct {
			Type      string `json:"type"`
			MediaType string `json:"media_type"`
			Data      string `json:"data"`
		} `json:"source"` // anthropic
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		t.Fatalf("content: %v: %s", err, body)
	}
	for _, p := range parts {
		switch {
		case p.Type == "text":
			s.text += p.Text
		case p.Type == "image_url" && p.ImageURL != nil:
			media, data, _ := strings.Cut(strings.TrimPrefix(p.ImageURL.URL, "data:"), ";base64,")
			s.images = append(s.images, media+";"+data)
		case p.Type == "image" && p.Source != nil && p.Source.Type == "base64":
			s.images = append(s.images, p.Source.MediaType+";"+p.Source.Data)
		default:
			t.Errorf("unexpected part %+v in %s", p, body)
		}
	}
	return s
}

// attachRun sends prompt with flags to b and returns the run and the last
// user message the server received.
func attachRun(t *testing.T, b backend, stdin string, flags ...string) (result, sent) {
	t.Helper()
	srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.body("ok"))))
	args := append([]string{"-m", b.name + ":m", "--base-url", srv.URL, "--no-save"}, flags...)
	r := parley(t, stdin, append([]string{noRetry(t)}, b.key...), args...)
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests; exit %d, stderr %q", len(reqs), r.code, r.stderr)
	}
	return r, lastUser(t, b.name, reqs[0].Body)
}

const notesBlock = "<file name=\"testdata/attach/notes.txt\">\nremember the milk\n</file>"

// TestAttachText: the text of attached files goes before the prompt, and
// piped stdin still joins it, after -p; a folder's text files go, in
// order, and what it left out (hidden, .gitignored) is not sent, while the
// binary it skipped is said in one line on stderr.
func TestAttachText(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		stderr      string
		want        string
	}{
		{"file", "", []string{"-a", "testdata/attach/notes.txt", "-p", "what is on the list?"},
			"", notesBlock + "\n\nwhat is on the list?"},
		{"file with stdin", "line 1 of the log\n", []string{"-a", "testdata/attach/notes.txt", "-p", "explain"},
			"", notesBlock + "\n\nexplain\n\nline 1 of the log"},
		{"folder", "", []string{"-a", "testdata/attach/project", "-p", "review this"},
			"parley: skipped testdata/attach/project/tool.bin (binary)\n",
			"<file name=\"testdata/attach/project/main.go\">\npackage main\n\nfunc main() {}\n</file>\n\n" +
				"<file name=\"testdata/attach/project/sub/util.go\">\npackage sub\n</file>\n\nreview this"},
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				r, s := attachRun(t, b, c.stdin, c.args...)
				if r.code != 0 || r.stdout != "ok" || r.stderr != c.stderr {
					t.Fatalf("exit %d, stdout %q, stderr %q; want 0, %q, %q", r.code, r.stdout, r.stderr, "ok", c.stderr)
				}
				if s.text != c.want || len(s.images) != 0 {
					t.Errorf("sent %q and %d images, want %q", s.text, len(s.images), c.want)
				}
			})
		}
	}
}

// TestAttachImage: an image goes in each wire's own form, its media type
// known by its content; the sse wire refuses it before the request.
func TestAttachImage(t *testing.T) {
	png, err := os.ReadFile("testdata/attach/pixel.png")
	if err != nil {
		t.Fatal(err)
	}
	// Named as if it were text: the content decides.
	disguised := filepath.Join(t.TempDir(), "pixel.txt")
	if err := os.WriteFile(disguised, png, 0o600); err != nil {
		t.Fatal(err)
	}
	want := "image/png;" + base64.StdEncoding.EncodeToString(png)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			if b.name == "sse" {
				srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.body("ok"))))
				r := parley(t, "", nil, "-m", "sse:m", "--base-url", srv.URL, "--no-save", "-a", disguised, "-p", "what is this?")
				if r.code != 2 || r.stdout != "" || len(srv.Requests()) != 0 {
					t.Fatalf("exit %d, stdout %q, %d requests; want exit 2 and nothing sent", r.code, r.stdout, len(srv.Requests()))
				}
				saysOnce(t, r, "sse does not take images: cannot send ", "pixel.txt")
				return
			}
			r, s := attachRun(t, b, "", "-a", disguised, "-p", "what is this?")
			if r.code != 0 || r.stdout != "ok" || r.stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if s.text != "what is this?" || len(s.images) != 1 || s.images[0] != want {
				t.Errorf("sent %q and images %q, want the prompt and %q", s.text, s.images, want)
			}
		})
	}
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		r := parley(t, "", nil, "-m", "demo:fast", "--no-save", "-a", "testdata/attach/pixel.png", "-p", "what is this?")
		if r.code != 2 || r.stdout != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		saysOnce(t, r, "demo does not take images: cannot send testdata/attach/pixel.png")
	})
}

// TestAttachErrors: every path that cannot be attached is one line naming
// it (and the limit, where one was passed), exit 2, and nothing sent.
func TestAttachErrors(t *testing.T) {
	dir := t.TempDir()
	limits := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(limits, []byte("retries = 0\n[attach]\nmax_file = \"10B\"\nmax_total = \"1KiB\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("x", 600)), 0o600)
	big2 := filepath.Join(dir, "big2.txt")
	os.WriteFile(big2, []byte(strings.Repeat("y", 600)), 0o600)
	unreadable := filepath.Join(dir, "locked.txt")
	os.WriteFile(unreadable, []byte("x"), 0o000)
	cases := []struct {
		name   string
		config string
		args   []string
		want   string
	}{
		{"missing", "", []string{"-a", "testdata/attach/nope.txt"},
			"parley: cannot attach testdata/attach/nope.txt: no such file or folder\n"},
		{"binary", "", []string{"-a", "testdata/attach/tool.bin"},
			"parley: cannot attach testdata/attach/tool.bin: a binary file, neither text nor an image (PNG, JPEG, GIF, WebP)\n"},
		{"unsupported image", "", []string{"-a", "testdata/attach/pixel.bmp"},
			"parley: cannot attach testdata/attach/pixel.bmp: image/bmp is not an image type that models take (PNG, JPEG, GIF, WebP)\n"},
		{"oversized file", limits, []string{"-a", "testdata/attach/notes.txt"},
			"parley: cannot attach testdata/attach/notes.txt: 18 B is over the limit of 10 B for a text file (attach.max_file)\n"},
		{"oversized total", "[attach]\nmax_total = \"1KiB\"\n", []string{"-a", big, "-a", big2},
			"parley: cannot attach " + big2 + ": the attachments would come to 1.2 KiB, over the limit of 1 KiB in all (attach.max_total)\n"},
		{"nothing left", limits, []string{"-a", "testdata/attach/project"},
			"parley: nothing to attach from testdata/attach/project: skipped testdata/attach/project/main.go (over 10 B), testdata/attach/project/sub/util.go (over 10 B), testdata/attach/project/tool.bin (binary)\n"},
		{"bad limit", "[attach]\nmax_file = \"lots\"\n", []string{"-a", "testdata/attach/notes.txt"}, "lots"},
	}
	if os.Getuid() != 0 { // root reads it anyway
		cases = append(cases, struct {
			name, config string
			args         []string
			want         string
		}{"unreadable", "", []string{"-a", unreadable}, "parley: cannot attach " + unreadable + ": permission denied\n"})
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.body("ok"))))
				env := append([]string{noRetry(t)}, b.key...)
				switch {
				case strings.HasPrefix(c.config, "/"):
					env = append(env, "PARLEY_CONFIG="+c.config)
				case c.config != "":
					path := filepath.Join(t.TempDir(), "config.toml")
					os.WriteFile(path, []byte(c.config), 0o600)
					env = append(env, "PARLEY_CONFIG="+path)
				}
				args := append([]string{"-m", b.name + ":m", "--base-url", srv.URL, "-p", "q"}, c.args...)
				r := parley(t, "", env, args...)
				if r.code != 2 || r.stdout != "" || len(srv.Requests()) != 0 {
					t.Fatalf("exit %d, stdout %q, stderr %q, %d requests; want exit 2 and nothing sent", r.code, r.stdout, r.stderr, len(srv.Requests()))
				}
				if strings.HasSuffix(c.want, "\n") {
					if r.stderr != c.want {
						t.Errorf("stderr %q\nwant   %q", r.stderr, c.want)
					}
				} else {
					saysOnce(t, r, c.want)
				}
			})
		}
	}
}

// TestAttachChatFirstMessage: in the chat, -a goes with the first prompt,
// which the input's placeholder names, and again when its answer is
// regenerated, but not with the next prompt.
func TestAttachChatFirstMessage(t *testing.T) {
	srv, requests := recordingServer(t)
	sentSoFar := func(n int) []string {
		t.Helper()
		var prompts []string
		for _, r := range requests(n) {
			prompts = append(prompts, r.Prompt())
		}
		return prompts
	}
	notes, err := filepath.Abs("testdata/attach/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{noRetry(t), "OPENAI_API_KEY=sk-test"}
	keys, screen, exitFile := tmuxChat(t, env, "-m", "openai:m", "--base-url", srv.URL, "--no-save", "-a", notes)
	waitScreen(t, screen, "Ask about ", 15*time.Second)
	waitScreen(t, screen, "notes.txt…", time.Second)
	keys("what is on it?", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	if s := screen(); !strings.Contains(s, "notes.txt (18 B)") || strings.Contains(s, "remember the milk") {
		t.Errorf("the transcript shows:\n%s\nwant the file by name and size, not its text", s)
	}
	sentSoFar(1)
	keys("C-r")
	sentSoFar(2)
	time.Sleep(300 * time.Millisecond) // the status said done before the regenerate too
	waitScreen(t, screen, "done", 15*time.Second)
	keys("and then?", "Enter")
	got := sentSoFar(3)
	waitScreenCount(t, screen, "an answer", 2, 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)
	withFile := "notes.txt\">\nremember the milk\n</file>\n\nwhat is on it?"
	if len(got) != 3 || !strings.HasSuffix(got[0], withFile) || got[1] != got[0] || got[2] != "and then?" {
		t.Errorf("prompts sent %q; want the file with the first, and with its regenerated answer, only", got)
	}
}

// recordingServer serves a short answer to every request, and returns a
// function that waits (up to 15 s) for n requests and returns those
// received by then.
func recordingServer(t *testing.T) (*httptest.Server, func(n int) []chatserver.Request) {
	var mu sync.Mutex
	var reqs []chatserver.Request
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			mu.Lock()
			reqs = append(reqs, r)
			mu.Unlock()
			return chatserver.Answer{Tokens: []string{"an", " answer"}}
		}}))
	t.Cleanup(srv.Close)
	return srv, func(n int) []chatserver.Request {
		deadline := time.Now().Add(15 * time.Second)
		for {
			mu.Lock()
			got := slices.Clone(reqs)
			mu.Unlock()
			if len(got) >= n || time.Now().After(deadline) {
				return got
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestAttachChatSavedAndResumed: a chat's attachments are saved with its
// prompt, and a conversation continued in the chat sends those of its
// history again.
func TestAttachChatSavedAndResumed(t *testing.T) {
	srv, requests := recordingServer(t)
	notes, err := filepath.Abs("testdata/attach/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{noRetry(t), "OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + t.TempDir()}
	base := []string{"-m", "openai:m", "--base-url", srv.URL}
	keys, screen, exitFile := tmuxChat(t, env, append(base, "-a", notes)...)
	waitScreen(t, screen, "notes.txt…", 15*time.Second)
	keys("what is on it?", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)
	if r := parley(t, "", env, "--search", "milk"); r.code != 0 || !strings.Contains(r.stdout, "\twhat is on it?\t") || !strings.Contains(r.stdout, "notes.txt: remember the «milk»") {
		t.Fatalf("--search milk after the chat: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	keys, screen, exitFile = tmuxChat(t, env, append(base, "-c")...)
	waitScreen(t, screen, "what is on it?", 15*time.Second)
	waitScreen(t, screen, "notes.txt (18 B)", time.Second)
	keys("and then?", "Enter")
	got := requests(2)
	waitScreen(t, screen, "done", 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)
	if len(got) != 2 || len(got[1].Messages) != 3 || !strings.HasSuffix(got[1].Messages[0].Content, "remember the milk\n</file>\n\nwhat is on it?") ||
		got[1].Prompt() != "and then?" {
		t.Errorf("the continued chat sent %+v; want the history with its file, then the new prompt", got)
	}
}

// waitScreenCount polls the screen until it shows want n times.
func waitScreenCount(t *testing.T, screen func() string, want string, n int, within time.Duration) {
	t.Helper()
	var s string
	pollUntil(t, within, func() bool { s = screen(); return strings.Count(s, want) >= n },
		func() string { return fmt.Sprintf("waited %v for %d of %q; screen:\n%s", within, n, want, s) })
}

// TestAttachContinued: the attachments are saved with their prompt, so
// -c sends them again with the history; --show lists them, --show --json
// holds them, and --search finds the words of an attached text file.
func TestAttachContinued(t *testing.T) {
	png, err := os.ReadFile("testdata/attach/pixel.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			files := []string{"-a", "testdata/attach/notes.txt", "-a", "testdata/attach/pixel.png"}
			if b.name == "sse" {
				files = files[:2] // it takes no images
			}
			resp := b.stream(streamtest.Write(b.body("ok")))
			srv := streamtest.NewServer(t, resp, resp)
			env := append([]string{noRetry(t), "PARLEY_DATA_DIR=" + t.TempDir()}, b.key...)
			base := []string{"-m", b.name + ":m", "--base-url", srv.URL}
			if r := parley(t, "", env, append(append(base, files...), "-p", "what is on the list?")...); r.code != 0 {
				t.Fatalf("first run: exit %d, stderr %q", r.code, r.stderr)
			}
			if r := parley(t, "", env, append(base, "-c", "-p", "and after that?")...); r.code != 0 || r.stdout != "ok" {
				t.Fatalf("-c: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests", len(reqs))
			}
			first := firstUser(t, b.name, reqs[1].Body)
			if want := notesBlock + "\n\nwhat is on the list?"; first.text != want {
				t.Errorf("-c sent the first prompt as %q, want %q", first.text, want)
			}
			if b.name != "sse" && (len(first.images) != 1 || first.images[0] != "image/png;"+base64.StdEncoding.EncodeToString(png)) {
				t.Errorf("-c sent the first prompt's images as %q", first.images)
			}
			if last := lastUser(t, b.name, reqs[1].Body); last.text != "and after that?" || len(last.images) != 0 {
				t.Errorf("-c sent %+v as the new prompt", last)
			}

			search := parley(t, "", env, "--search", "milk")
			if search.code != 0 || !strings.Contains(search.stdout, "\t1\tuser\twhat is on the list?\ttestdata/attach/notes.txt: remember the «milk»") {
				t.Errorf("--search milk: exit %d, stdout %q", search.code, search.stdout)
			}
			id, _, _ := strings.Cut(search.stdout, "\t")
			show := parley(t, "", env, "--show", id)
			if show.code != 0 {
				t.Fatalf("--show: exit %d, stderr %q", show.code, show.stderr)
			}
			want := "*Attached:* `testdata/attach/notes.txt` (18 B), `testdata/attach/pixel.png` (69 B)\n\nwhat is on the list?"
			if b.name == "sse" {
				want = "*Attached:* `testdata/attach/notes.txt` (18 B)\n\nwhat is on the list?"
			}
			if !strings.Contains(show.stdout, want) || strings.Contains(show.stdout, "remember the milk") {
				t.Errorf("--show prints\n%s\nwant %q and not the file's text", show.stdout, want)
			}
			js := parley(t, "", env, "--show", id, "--json")
			var conv struct {
				Messages []struct {
					Attachments []struct {
						Name, MediaType, Text string
						Size                  int64
						Data                  []byte
					}
				}
			}
			if err := json.Unmarshal([]byte(js.stdout), &conv); err != nil || len(conv.Messages) != 4 || len(conv.Messages[0].Attachments) != len(files)/2 {
				t.Fatalf("--show --json: %v: %s", err, js.stdout)
			}
			if a := conv.Messages[0].Attachments[0]; a.Name != "testdata/attach/notes.txt" || a.Text != "remember the milk\n" || a.Size != 18 {
				t.Errorf("--show --json has the text file as %+v", a)
			}
			if b.name != "sse" {
				if a := conv.Messages[0].Attachments[1]; a.Name != "testdata/attach/pixel.png" || string(a.Data) != string(png) {
					t.Errorf("--show --json has the image as %+v", a)
				}
			}

		})
	}
}

// firstUser reads the first user message of a request body.
func firstUser(t *testing.T, wire string, body []byte) sent {
	t.Helper()
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	key := "messages"
	if wire == "gemini" {
		key = "contents"
	}
	var msgs []json.RawMessage
	json.Unmarshal(req[key], &msgs)
	if len(msgs) == 0 {
		t.Fatalf("no messages: %s", body)
	}
	if wire == "openai" || wire == "ollama" || wire == "sse" { // their first may be the system prompt
		for _, m := range msgs {
			var r struct{ Role string }
			json.Unmarshal(m, &r)
			if r.Role == "user" {
				msgs[0] = m
				break
			}
		}
	}
	one, _ := json.Marshal(map[string][]json.RawMessage{key: msgs[:1]})
	return lastUser(t, wire, one)
}

// TestAttachFlag: --help names -a and its PATH, and the shell completes
// it with file names.
func TestAttachFlag(t *testing.T) {
	help := parley(t, "", nil, "--help")
	if !strings.Contains(help.stdout, "-a, --attach PATH ") {
		t.Errorf("--help does not show -a, --attach PATH:\n%s", help.stdout)
	}
	comp := parley(t, "", nil, "__complete", "-a", "")
	if comp.code != 0 || !strings.HasSuffix(strings.TrimSpace(comp.stdout), ":0") {
		t.Errorf("completing -a: exit %d, stdout %q; want the shell's file completion (:0)", comp.code, comp.stdout)
	}
}
