package gemini

import (
	"encoding/json"
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

const testKey = "AIzaSy-test-0123456789abcdef"

func newClient(srv *streamtest.Server, o provider.Options) *Client {
	return New(providertest.Preset(srv, "gemini", testKey, o))
}

// backend is this backend for the shared tests of providertest.
var backend = providertest.Backend{New: providertest.For(newClient), Request: hello, Key: testKey}

var temp = 0.5

var hello = provider.Request{
	Model:       "gemini-2.5-flash",
	System:      "Be brief.",
	Messages:    []provider.Message{{Role: provider.RoleUser, Content: "Hi"}, {Role: provider.RoleAssistant, Content: "Hello"}, {Role: provider.RoleUser, Content: "Why?"}},
	Temperature: &temp,
	MaxTokens:   100,
}

func TestTranscripts(t *testing.T) {
	providertest.Transcripts(t, backend, "", []int{5},
		providertest.Case{File: "text.sse", Answer: providertest.Answer{Text: "The sky is blue because of Rayleigh scattering.", Reason: "STOP",
			Usage: provider.Usage{InputTokens: 9, OutputTokens: 11}}},
		providertest.Case{File: "thinking.sse", Answer: providertest.Answer{Text: "There are **3** r's in \"strawberry\".",
			Reasoning: "**Counting letters**\n\nI need to count the r's in strawberry.", Reason: "STOP",
			Usage: provider.Usage{InputTokens: 12, OutputTokens: 81, ReasoningTokens: 68}}},
		providertest.Case{File: "max_tokens.sse", Answer: providertest.Answer{Text: "Chapter one. It was a dark", Reason: "MAX_TOKENS",
			Usage: provider.Usage{InputTokens: 5, OutputTokens: 8}, Notice: provider.MsgMaxTokens}})
}

func TestRequest(t *testing.T) {
	got, body := providertest.Sent[generateRequest](t, backend, streamtest.Stream(streamtest.Write(providertest.Transcript(t, "text.sse"))), hello)
	if got.Method != http.MethodPost || got.Path != "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
	if got.Header.Get("x-goog-api-key") != testKey || strings.Contains(got.Path, testKey) {
		t.Errorf("key not in its header: %v", got.Header)
	}
	if body.SystemInstruction == nil || body.SystemInstruction.Parts[0].Text != "Be brief." {
		t.Errorf("system instruction: %s", got.Body)
	}
	if len(body.Contents) != 3 || body.Contents[1].Role != "model" || body.Contents[2].Parts[0].Text != "Why?" {
		t.Errorf("contents: %s", got.Body)
	}
	if g := body.GenerationConfig; g == nil || *g.Temperature != 0.5 || g.MaxOutputTokens != 100 {
		t.Errorf("generation config: %s", got.Body)
	}
}

func TestFaults(t *testing.T) {
	text := providertest.Transcript(t, "text.sse")
	two := text[:strings.LastIndex(text, "data: ")] // both text chunks, no finishReason
	providertest.Failures(t, backend, []providertest.Fault{
		{Name: "bad key",
			Resp: streamtest.Status(400, "application/json",
				`{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}`),
			Want: []string{"400", "API key not valid", "GEMINI_API_KEY or GOOGLE_API_KEY"}},
		{Name: "403",
			Resp: streamtest.Status(403, "application/json",
				`{"error": {"code": 403, "message": "Method doesn't allow unregistered callers.", "status": "PERMISSION_DENIED"}}`),
			Want: []string{"403", "unregistered callers", "GEMINI_API_KEY"}},
		{Name: "404 model",
			Resp: streamtest.Status(404, "application/json",
				`{"error": {"code": 404, "message": "models/gemini-nope is not found for API version v1beta", "status": "NOT_FOUND"}}`),
			Want: []string{"404", "is not found", "--list-models"}},
		{Name: "429",
			Resp: streamtest.Response{Status: 429, Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"30"}},
				Steps: []streamtest.Step{streamtest.Write(`[{"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}]`)}},
			Want: []string{"429", "Resource has been exhausted", "retry after 30s"}},
		{Name: "html 200", Resp: streamtest.Status(200, "text/html; charset=utf-8", "<!DOCTYPE html><title>Sign in</title>"),
			Want: []string{"expected text/event-stream, got text/html", "Sign in"}},
		{Name: "error event", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "error_event.sse"))),
			Want: []string{"overloaded", "try again shortly"}, Partial: "Partial"},
		{Name: "safety", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "safety.sse"))),
			Want: []string{"SAFETY"}, Partial: "Here is how"},
		{Name: "blocked prompt", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "blocked_prompt.sse"))),
			Want: []string{"prompt was blocked (SAFETY)"}},
		{Name: "drop", Resp: streamtest.Stream(streamtest.Write(two), streamtest.Drop()),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "The sky is blue because of Rayleigh scattering."},
		{Name: "no finishReason", Resp: streamtest.Stream(streamtest.Write(two)),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "The sky is blue because of Rayleigh scattering."},
		{Name: "malformed", Resp: streamtest.Stream(streamtest.Write(two + "data: {\"candidates\": [\n\n")),
			Want: []string{"malformed chunk after 2 tokens"}, Partial: "The sky is blue because of Rayleigh scattering."},
	}...)
}

func TestTimeout(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Stall()))
	r := providertest.Stream(t, newClient(srv, provider.Options{Timeout: 50 * time.Millisecond}), hello)
	var te *provider.TimeoutError
	if !errors.As(r.Err, &te) || te.Idle || !strings.Contains(r.Err.Error(), "--timeout") {
		t.Fatalf("error %v", r.Err)
	}
}

func TestListModels(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(200, "application/json", `{"models": [{"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent", "countTokens"]},
			{"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]}], "nextPageToken": "p2"}`),
		streamtest.Status(200, "application/json", `{"models": [{"name": "models/gemini-2.5-pro", "supportedGenerationMethods": ["generateContent"]}]}`),
	)
	ids, err := newClient(srv, provider.Options{}).ListModels(t.Context())
	if err != nil || strings.Join(ids, ",") != "gemini-2.5-flash,gemini-2.5-pro" {
		t.Fatalf("ListModels = %v, %v", ids, err)
	}
	if p := srv.Requests()[1].Path; !strings.Contains(p, "pageToken=p2") || strings.Contains(p, testKey) {
		t.Errorf("second page %s", p)
	}
}

func FuzzParseChunk(f *testing.F) {
	for _, name := range []string{"text.sse", "thinking.sse", "max_tokens.sse", "safety.sse", "blocked_prompt.sse", "error_event.sse"} {
		for block := range strings.SplitSeq(providertest.Transcript(f, name), "\n\n") {
			f.Add([]byte(strings.TrimPrefix(block, "data: ")))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := decoder{name: "gemini"}
		s := &providertest.Sink{}
		if err := d.handle(data, s); err == nil && !json.Valid(data) {
			t.Fatalf("invalid JSON accepted: %q", data)
		}
		_ = d.finishError()
	})
}

func TestResendWithoutThinking(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(400, "application/json", `{"error": {"code": 400, "message": "Thinking is not supported for this model.", "status": "INVALID_ARGUMENT"}}`),
		streamtest.Stream(streamtest.Write(providertest.Transcript(t, "text.sse"))),
	)
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || r.Text != "The sky is blue because of Rayleigh scattering." {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
	reqs := srv.Requests()
	if !strings.Contains(string(reqs[0].Body), `"includeThoughts":true`) || strings.Contains(string(reqs[1].Body), "thinkingConfig") {
		t.Errorf("bodies:\n%s\n%s", reqs[0].Body, reqs[1].Body)
	}
}

func TestFaultMatrix(t *testing.T) {
	frames := providertest.SSEFrames(providertest.Transcript(t, "text.sse"))
	providertest.Faults(t, backend, providertest.Wire{
		ContentType: provider.MediaEventStream,
		Frames:      frames,
		Finished:    len(frames), // the chunk with the finishReason
		Text:        "The sky is blue because of Rayleigh scattering.",
		Word:        "Rayleigh",
		Unknown:     `data: {"usageMetadata": {"promptTokenCount": 9},"modelVersion": "gemini-9","futureField": {"x": [1, 2]}}` + "\n\n",
		KeepAlive:   ": keep-alive\n\n",
	})
}

func TestFinishThenSilence(t *testing.T) {
	// The stream has no end marker: a proxy that holds the connection open
	// after the finishReason must not keep the answer open.
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(providertest.Transcript(t, "text.sse")), streamtest.Stall()))
	start := time.Now()
	r := providertest.Stream(t, newClient(srv, provider.Options{IdleTimeout: 10 * time.Second}), hello)
	providertest.Finished(t, r, providertest.Answer{Text: "The sky is blue because of Rayleigh scattering.", Reason: "STOP",
		Usage: provider.Usage{InputTokens: 9, OutputTokens: 11}})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the answer took %s to end", d)
	}
}

func TestUsageAfterFinish(t *testing.T) {
	// Usage in an event of its own after the finishReason ends the answer
	// at once, and counts.
	body := `data: {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"},"finishReason": "STOP","index": 0}]}` + "\n\n" +
		`data: {"usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 1}}` + "\n\n"
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(body), streamtest.Stall()))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	providertest.Finished(t, r, providertest.Answer{Text: "Hi", Reason: "STOP", Usage: provider.Usage{InputTokens: 3, OutputTokens: 1}})
}

func TestSplitSurrogates(t *testing.T) {
	providertest.Surrogates(t, backend, provider.MediaEventStream,
		func(literals ...string) string {
			var b strings.Builder
			for _, lit := range literals {
				b.WriteString(`data: {"candidates": [{"content": {"parts": [{"text": ` + lit + `}],"role": "model"},"index": 0}]}` + "\n\n")
			}
			b.WriteString(`data: {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}]}` + "\n\n")
			return b.String()
		})
}
