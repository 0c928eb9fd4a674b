package anthropic

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
	"github.com/parley-chat/parley/stream/streamtest"
)

func TestMain(m *testing.M) { providertest.Main(m) }

const testKey = "sk-ant-test-0123456789abcdef"

func newClient(srv *streamtest.Server, o provider.Options) *Client {
	return New(providertest.Preset(srv, "anthropic", testKey, o))
}

// backend is this backend for the shared tests of providertest.
var backend = providertest.Backend{New: providertest.For(newClient), Request: hello, Key: testKey}

var hello = provider.Request{
	Model:    "claude-sonnet-4-5",
	System:   "Be brief.",
	Messages: []provider.Message{{Role: provider.RoleUser, Content: "Hi"}},
}

func TestTranscripts(t *testing.T) {
	providertest.Transcripts(t, backend, "", []int{7},
		providertest.Case{File: "text.sse", Answer: providertest.Answer{Text: "Hello, world! Ünïcode ✓", Reason: "end_turn",
			Usage: provider.Usage{InputTokens: 25, OutputTokens: 15}}},
		providertest.Case{File: "thinking.sse", Answer: providertest.Answer{Text: "27 * 453 = **12,231**",
			Reasoning: "Let me work out 27 * 453.\n27 * 453 = 12231.", Reason: "end_turn", Usage: provider.Usage{InputTokens: 40, OutputTokens: 62}}},
		providertest.Case{File: "max_tokens.sse", Answer: providertest.Answer{Text: "Once upon a", Reason: "max_tokens",
			Usage: provider.Usage{InputTokens: 12, OutputTokens: 4}, Notice: provider.MsgMaxTokens}})
}

func TestRequest(t *testing.T) {
	req := hello
	req.Messages = []provider.Message{{Role: provider.RoleUser, Content: "Hi"}, {Role: provider.RoleAssistant}, {Role: provider.RoleUser, Content: "Hi?"}}
	got, body := providertest.Sent[map[string]any](t, backend, streamtest.Stream(streamtest.Write(providertest.Transcript(t, "text.sse"))), req)
	if got.Method != http.MethodPost || got.Path != "/v1/messages" {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
	if got.Header.Get("x-api-key") != testKey || got.Header.Get("anthropic-version") != Version {
		t.Errorf("headers %v", got.Header)
	}
	if body["system"] != "Be brief." || body["max_tokens"] != float64(DefaultMaxTokens) || body["stream"] != true {
		t.Errorf("body %s", got.Body)
	}
	if strings.Contains(string(got.Body), `"role":"system"`) || strings.Contains(string(got.Body), `"content":""`) {
		t.Errorf("system prompt sent as a message: %s", got.Body)
	}
}

func TestFaults(t *testing.T) {
	text := providertest.Transcript(t, "text.sse")
	cut := strings.Index(text, "event: content_block_stop") // after two deltas
	providertest.Failures(t, backend, []providertest.Fault{
		{Name: "401",
			Resp: streamtest.Status(401, "application/json",
				`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`), Want: []string{"401", "invalid x-api-key", "ANTHROPIC_API_KEY"}},
		{Name: "404 model",
			Resp: streamtest.Status(404, "application/json",
				`{"type":"error","error":{"type":"not_found_error","message":"model: claude-nope"}}`), Want: []string{"404", "model: claude-nope", `"claude-sonnet-4-5"`}},
		{Name: "529 overloaded",
			Resp: streamtest.Status(529, "application/json",
				`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`), Want: []string{"529", "Overloaded"}},
		{Name: "html 200", Resp: streamtest.Status(200, "text/html", "<html><body>Gateway login</body></html>"),
			Want: []string{"expected text/event-stream, got text/html", "Gateway login"}},
		{Name: "tool use", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "tool_use.sse"))),
			Want:    []string{"anthropic: the model asked to call get_weather instead of answering (parley runs no tools; leave out -o tools)"},
			Partial: "Let me check the weather."},
		{Name: "error event", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "overloaded.sse"))),
			Want: []string{"Overloaded", "try again"}, Partial: "Partial"},
		{Name: "drop", Resp: streamtest.Stream(streamtest.Write(text[:cut]), streamtest.Drop()),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "Hello, world! Ünïcode ✓"},
		{Name: "no stop_reason", Resp: streamtest.Stream(streamtest.Write(text[:strings.Index(text, "event: message_delta")])),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "Hello, world! Ünïcode ✓"},
		{Name: "empty body", Resp: streamtest.Stream(), Is: provider.ErrIncomplete},
		{Name: "malformed",
			Resp: streamtest.Stream(streamtest.Write(text[:cut] +
				"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\n\n")),
			Want: []string{"malformed content_block_delta event after 2 tokens"}, Partial: "Hello, world! Ünïcode ✓"},
	}...)
}

func TestRetryBeforeFirstToken(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(529, "application/json", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`),
		streamtest.Stream(streamtest.Write(providertest.Transcript(t, "text.sse"))),
	)
	c := newClient(srv, provider.Options{Retry: &provider.RetryPolicy{Max: 2, Base: time.Millisecond, Cap: time.Millisecond}})
	r := providertest.Stream(t, c, hello)
	if r.Err != nil || r.Text != "Hello, world! Ünïcode ✓" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
	if len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "(retry 1 of 2)") {
		t.Errorf("notices %q", r.Notices)
	}
}

func TestIdleTimeout(t *testing.T) {
	text := providertest.Transcript(t, "text.sse")
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(text[:strings.Index(text, "event: content_block_stop")]), streamtest.Stall()))
	r := providertest.Stream(t, newClient(srv, provider.Options{IdleTimeout: 200 * time.Millisecond}), hello)
	var te *provider.TimeoutError
	if !errors.As(r.Err, &te) || !te.Idle || !strings.Contains(r.Err.Error(), "answer incomplete after 2 tokens") || strings.Contains(r.Err.Error(), "connection lost") {
		t.Fatalf("error %v", r.Err)
	}
}

// TestNoKey checks that an endpoint without its key is refused where keys
// are checked for every backend, before any request: provider.New.
func TestNoKey(t *testing.T) {
	if _, err := provider.New(provider.Presets()["anthropic"], provider.Options{}); !errors.Is(err, provider.ErrNoKey) {
		t.Errorf("New without a key: %v", err)
	}
}

func TestListModels(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(200, "application/json", `{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5"}],"has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}`),
		streamtest.Status(200, "application/json", `{"data":[{"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5"}],"has_more":false,"first_id":"claude-haiku-4-5","last_id":"claude-haiku-4-5"}`),
	)
	ids, err := newClient(srv, provider.Options{}).ListModels(t.Context())
	if err != nil || strings.Join(ids, ",") != "claude-haiku-4-5,claude-sonnet-4-5" {
		t.Fatalf("ListModels = %v, %v", ids, err)
	}
	reqs := srv.Requests()
	if !strings.Contains(reqs[1].Path, "after_id=claude-sonnet-4-5") || reqs[1].Header.Get("x-api-key") != testKey {
		t.Errorf("second page request %s %v", reqs[1].Path, reqs[1].Header)
	}
}

func FuzzParseEvent(f *testing.F) {
	for _, name := range []string{"text.sse", "thinking.sse", "max_tokens.sse", "overloaded.sse"} {
		for block := range strings.SplitSeq(providertest.Transcript(f, name), "\n\n") {
			typ, data, _ := strings.Cut(block, "\ndata: ")
			f.Add(strings.TrimPrefix(typ, "event: "), []byte(data))
		}
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		d := decoder{name: "anthropic"}
		done, err := d.handle(typ, data, &providertest.Sink{})
		if done && err != nil {
			t.Fatalf("done with an error: %v", err)
		}
		if done != d.stopped {
			t.Fatal("done without message_stop")
		}
	})
}

func TestFaultMatrix(t *testing.T) {
	frames := providertest.SSEFrames(providertest.Transcript(t, "text.sse"))
	providertest.Faults(t, backend, providertest.Wire{
		ContentType: provider.MediaEventStream,
		Frames:      frames,
		Finished:    len(frames) - 1, // message_delta with the stop_reason
		Text:        "Hello, world! Ünïcode ✓",
		Word:        "world",
		Unknown:     "event: content_block_future\ndata: {\"type\":\"content_block_future\",\"index\":0}\n\n",
		KeepAlive:   "event: ping\ndata: {\"type\": \"ping\"}\n\n",
	})
}

func TestFinishWithoutMessageStop(t *testing.T) {
	// The message_delta with the stop_reason comes after the last content
	// block: the answer is complete whether the body then ends or is held
	// open with nothing more, as some proxies do.
	text := providertest.Transcript(t, "text.sse")
	head := text[:strings.Index(text, "event: message_stop")]
	maxTokens := providertest.Transcript(t, "max_tokens.sse")
	for _, tt := range []struct {
		name  string
		steps []streamtest.Step
		want  providertest.Answer
	}{
		{"end", []streamtest.Step{streamtest.Write(head)},
			providertest.Answer{Text: "Hello, world! Ünïcode ✓", Reason: "end_turn", Usage: provider.Usage{InputTokens: 25, OutputTokens: 15}}},
		{"silence", []streamtest.Step{streamtest.Write(head), streamtest.Stall()},
			providertest.Answer{Text: "Hello, world! Ünïcode ✓", Reason: "end_turn", Usage: provider.Usage{InputTokens: 25, OutputTokens: 15}}},
		{"max_tokens", []streamtest.Step{streamtest.Write(maxTokens[:strings.Index(maxTokens, "event: message_stop")]), streamtest.Stall()},
			providertest.Answer{Text: "Once upon a", Reason: "max_tokens", Usage: provider.Usage{InputTokens: 12, OutputTokens: 4}, Notice: provider.MsgMaxTokens}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, streamtest.Stream(tt.steps...))
			start := time.Now()
			r := providertest.Stream(t, newClient(srv, provider.Options{IdleTimeout: 10 * time.Second}), hello)
			providertest.Finished(t, r, tt.want)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the answer took %s to end", d)
			}
		})
	}
}

func TestSplitSurrogates(t *testing.T) {
	text := providertest.Transcript(t, "text.sse")
	head := text[:strings.Index(text, "event: ping")]
	tail := text[strings.Index(text, "event: content_block_stop"):]
	providertest.Surrogates(t, backend, provider.MediaEventStream,
		func(literals ...string) string {
			var b strings.Builder
			b.WriteString(head)
			for _, lit := range literals {
				b.WriteString(`event: content_block_delta` + "\n" + `data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":` + lit + `}}` + "\n\n")
			}
			b.WriteString(tail)
			return b.String()
		})
}
