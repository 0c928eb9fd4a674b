package ollama

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
	"github.com/parley-chat/parley/stream/streamtest"
)

func TestMain(m *testing.M) { providertest.Main(m) }

const ndjson = "application/x-ndjson"

func newClient(srv *streamtest.Server, o provider.Options) *Client {
	return New(providertest.Preset(srv, "ollama", "", o))
}

// backend is this backend for the shared tests of providertest.
var backend = providertest.Backend{New: providertest.For(newClient), Request: hello}

func ndStream(steps ...streamtest.Step) streamtest.Response {
	return streamtest.Response{Header: http.Header{"Content-Type": {ndjson}}, Steps: steps}
}

var hello = provider.Request{
	Model: "llama3.2", System: "Be brief.",
	Messages: []provider.Message{{Role: provider.RoleUser, Content: "Why is the sky blue?"}},
}

func TestTranscripts(t *testing.T) {
	providertest.Transcripts(t, backend, ndjson, []int{9},
		providertest.Case{File: "chat.ndjson", Answer: providertest.Answer{Text: "The sky is blue.", Reason: "stop",
			Usage: provider.Usage{InputTokens: 26, OutputTokens: 4}}},
		providertest.Case{File: "thinking.ndjson", Answer: providertest.Answer{Text: "Hello! 👋", Reasoning: "The user greets me. Reply kindly.",
			Reason: "stop", Usage: provider.Usage{InputTokens: 11, OutputTokens: 30}}},
		providertest.Case{File: "length.ndjson", Answer: providertest.Answer{Text: "Once upon a", Reason: "length",
			Usage: provider.Usage{InputTokens: 8, OutputTokens: 3}, Notice: provider.MsgMaxTokens}})
}

func TestRequest(t *testing.T) {
	temp := 0.2
	req := hello
	req.Temperature, req.MaxTokens = &temp, 64
	got, body := providertest.Sent[chatRequest](t, backend, ndStream(streamtest.Write(providertest.Transcript(t, "chat.ndjson"))), req)
	if got.Method != http.MethodPost || got.Path != "/api/chat" {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
	if !body.Stream || len(body.Messages) != 2 || body.Messages[0].Role != provider.RoleSystem || body.Options.NumPredict != 64 {
		t.Errorf("body %s", got.Body)
	}
}

func TestFaults(t *testing.T) {
	chat := providertest.Transcript(t, "chat.ndjson")
	three := chat[:strings.LastIndex(chat[:len(chat)-1], "\n")+1] // three lines, no "done"
	const partial = "The sky is blue."
	providertest.Failures(t, backend, []providertest.Fault{
		{Name: "not pulled", Resp: streamtest.Status(404, "application/json", `{"error":"model \"llama3.2\" not found, try pulling it first"}`),
			Want: []string{"404", "model llama3.2 is not available here; run: ollama pull llama3.2"}},
		// Ollama 0.9 with -o tools: the calls in one line, done_reason "stop".
		{Name: "tool call", Resp: ndStream(streamtest.Write(
			`{"model":"qwen3","created_at":"2025-06-01T10:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Toronto"}}}]},"done":false}` + "\n" +
				`{"model":"qwen3","created_at":"2025-06-01T10:00:01Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":1,"prompt_eval_count":30,"eval_count":12}` + "\n")),
			Want: []string{"ollama: the model asked to call get_weather instead of answering (parley runs no tools; leave out -o tools)"}},
		{Name: "error line", Resp: ndStream(streamtest.Write(providertest.Transcript(t, "error_line.ndjson"))),
			Want: []string{"ollama: an error was encountered while running the model: unexpected EOF"}, Partial: "Partial"},
		{Name: "500", Resp: streamtest.Status(500, "application/json", `{"error":"llama runner process has terminated: signal: killed"}`),
			Want: []string{"500", "llama runner process has terminated"}},
		{Name: "html 200", Resp: streamtest.Status(200, "text/html", "<html>proxy login</html>"),
			Want: []string{"expected application/x-ndjson, got text/html", "proxy login"}},
		{Name: "drop", Resp: ndStream(streamtest.Write(three), streamtest.Drop()),
			Want: []string{"connection lost after 3 tokens"}, Is: provider.ErrIncomplete, Partial: partial},
		{Name: "no done", Resp: ndStream(streamtest.Write(three)),
			Want: []string{"connection lost after 3 tokens"}, Is: provider.ErrIncomplete, Partial: partial},
		{Name: "malformed", Resp: ndStream(streamtest.Write(three + "{\"message\":{\"content\":\n")),
			Want: []string{"malformed line after 3 tokens"}, Partial: partial},
		{Name: "not json", Resp: ndStream(streamtest.Write(three + "Internal Server Error\n")),
			Want: []string{"malformed line after 3 tokens"}, Partial: partial},
	}...)
}

func TestNotRunning(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ep := provider.Presets()["ollama"]
	ep.BaseURL = addr
	r := providertest.Stream(t, New(ep, provider.Options{Retry: &provider.RetryPolicy{}}), hello)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "connection refused") || !strings.Contains(r.Err.Error(), "ollama serve") {
		t.Fatalf("error %v", r.Err)
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "http://localhost:11434",
		"0.0.0.0":                    "http://127.0.0.1:11434",
		"http://0.0.0.0:11434":       "http://127.0.0.1:11434",
		"gpu-box:9999":               "http://gpu-box:9999",
		"https://ollama.example/":    "https://ollama.example",
		"http://[::1]":               "http://[::1]:11434",
		"http://localhost:11434/api": "http://localhost:11434",
	} {
		if got := BaseURL(in); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListModels(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Status(200, "application/json; charset=utf-8", providertest.Transcript(t, "tags.json")))
	ids, err := newClient(srv, provider.Options{}).ListModels(t.Context())
	if err != nil || strings.Join(ids, ",") != "deepseek-r1:8b,llama3.2:latest" {
		t.Fatalf("ListModels = %v, %v", ids, err)
	}
	if p := srv.Requests()[0].Path; p != "/api/tags" {
		t.Errorf("path %s", p)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, name := range []string{"chat.ndjson", "thinking.ndjson", "length.ndjson", "error_line.ndjson"} {
		for line := range strings.Lines(providertest.Transcript(f, name)) {
			f.Add([]byte(strings.TrimRight(line, "\r\n")))
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		d := decoder{name: "ollama", model: "m"}
		err := d.handle(line, &providertest.Sink{})
		if d.done && err != nil {
			t.Fatalf("done and failed: %v", err)
		}
	})
}

func TestFaultMatrix(t *testing.T) {
	frames := providertest.LineFrames(providertest.Transcript(t, "chat.ndjson"))
	providertest.Faults(t, backend, providertest.Wire{
		ContentType: ndjson,
		Frames:      frames,
		Finished:    len(frames), // the line with done: true
		Text:        "The sky is blue.",
		Word:        "blue",
		Unknown:     `{"model":"llama3.2","created_at":"2025-10-26T17:15:24.1Z","message":{"role":"assistant","content":"","images":null,"future":1},"done":false,"future_field":{"a":[1]}}` + "\n",
	})
}

func TestSplitSurrogates(t *testing.T) {
	providertest.Surrogates(t, backend, ndjson,
		func(literals ...string) string {
			var b strings.Builder
			for _, lit := range literals {
				b.WriteString(`{"model":"m","message":{"role":"assistant","content":` + lit + `},"done":false}` + "\n")
			}
			b.WriteString(`{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":2}` + "\n")
			return b.String()
		})
}
