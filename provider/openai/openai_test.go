package openai

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

const testKey = "sk-test-0123456789abcdef"

func newClient(srv *streamtest.Server, o provider.Options) *Client {
	ep, o := providertest.Preset(srv, "openai", testKey, o)
	ep.BaseURL += "/v1"
	return New(ep, o)
}

// backend is this backend for the shared tests of providertest.
var backend = providertest.Backend{New: providertest.For(newClient), Request: hello, Key: testKey}

var hello = provider.Request{Model: "gpt-4o-mini", System: "Be brief.", Messages: []provider.Message{{Role: provider.RoleUser, Content: "hi"}}}

// answers are the answers of the transcripts in testdata, each streamed
// (.sse) and, for some, sent whole (.json) by a server that ignores
// "stream": true: the same answer either way.
var answers = []struct {
	stream, whole string
	answer        providertest.Answer
}{
	{"basic.sse", "whole.json", providertest.Answer{Text: "Hello, world", Reason: "stop", Usage: provider.Usage{InputTokens: 9, OutputTokens: 3}}},
	{"reasoning_content.sse", "whole_reasoning.json", providertest.Answer{Text: "9.9 is larger.", Reasoning: "9.11 vs 9.9: 0.90 > 0.11.", Reason: "stop",
		Usage: provider.Usage{InputTokens: 15, OutputTokens: 120, ReasoningTokens: 100}}},
	{"reasoning.sse", "", providertest.Answer{Text: "9.9", Reasoning: "Compare tenths.", Reason: "stop",
		Usage: provider.Usage{InputTokens: 20, OutputTokens: 70, ReasoningTokens: 64}}},
	{"think_tags.sse", "whole_think.json", providertest.Answer{Text: "Hello! Use <think> tags freely.", Reasoning: "\nThe user says hi. Answer briefly.\n",
		Reason: "stop", Usage: provider.Usage{InputTokens: 6, OutputTokens: 25}}},
	{"length.sse", "whole_length.json", providertest.Answer{Text: "Once upon", Reason: "length", Usage: provider.Usage{InputTokens: 5, OutputTokens: 2},
		Notice: provider.MsgMaxTokens}},
	{"groq.sse", "", providertest.Answer{Text: "Fast.", Reason: "stop", Usage: provider.Usage{InputTokens: 40, OutputTokens: 3}}},
}

func TestTranscripts(t *testing.T) {
	var cases []providertest.Case
	for _, a := range answers {
		cases = append(cases, providertest.Case{File: a.stream, Answer: a.answer})
	}
	providertest.Transcripts(t, backend, "", []int{1, 7, 1 << 20}, cases...)
}

// A server that ignores "stream": true sends the whole completion as one
// JSON document: it is the answer, with its reasoning, usage and finish
// reason, as if streamed.
func TestWholeCompletion(t *testing.T) {
	var cases []providertest.Case
	for _, a := range answers {
		if a.whole != "" {
			cases = append(cases, providertest.Case{File: a.whole, Answer: a.answer})
		}
	}
	providertest.Transcripts(t, backend, "application/json", []int{1, 7, 1 << 20}, cases...)
}

// A 200 whose JSON body is an error, or not a completion, fails in the
// server's words; a body cut short is lost, never an empty answer.
func TestWholeCompletionFailures(t *testing.T) {
	for _, tt := range []struct {
		name string
		resp streamtest.Response
		want []string
	}{
		{"error", streamtest.Status(200, "application/json", `{"error":{"message":"The model is overloaded.","type":"server_error"}}`),
			[]string{"openai", "The model is overloaded."}},
		{"malformed", streamtest.Status(200, "application/json", `{"choices":[{"message":{"content":"Hel`),
			[]string{"malformed"}},
		{"cut", streamtest.Response{Header: http.Header{"Content-Type": {"application/json"}},
			Steps: []streamtest.Step{streamtest.Write(`{"choices":[{"message":{"content":"Hel`), streamtest.Flush(), streamtest.Drop()}},
			[]string{"openai: unexpected EOF"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := providertest.Stream(t, newClient(streamtest.NewServer(t, tt.resp), provider.Options{}), hello)
			providertest.Failed(t, r, providertest.Failure{Want: tt.want, Secret: testKey})
		})
	}
}

func TestRequest(t *testing.T) {
	got, body := providertest.Sent[map[string]any](t, backend, streamtest.Stream(streamtest.Write(providertest.Transcript(t, "basic.sse"))), hello)
	if got.Path != "/v1/chat/completions" || got.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request %s %v", got.Path, got.Header)
	}
	msgs := body["messages"].([]any)
	if body["stream"] != true || len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" {
		t.Errorf("body %s", got.Body)
	}
	if so, _ := body["stream_options"].(map[string]any); so["include_usage"] != true {
		t.Errorf("no include_usage: %s", got.Body)
	}
}

func TestResendWithoutStreamOptions(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(422, "application/json", `{"object":"error","message":"Extra inputs are not permitted: body.stream_options","type":"invalid_request_error"}`),
		streamtest.Stream(streamtest.Write(providertest.Transcript(t, "basic.sse"))),
	)
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || r.Text != "Hello, world" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
	if b := srv.Requests()[1].Body; strings.Contains(string(b), "stream_options") {
		t.Errorf("second request still has stream_options: %s", b)
	}
}

func TestFaults(t *testing.T) {
	basic := providertest.Transcript(t, "basic.sse")
	two := basic[:strings.Index(basic, `"finish_reason":"stop"`)]
	two = two[:strings.LastIndex(two, "data: ")] // the role chunk and two deltas
	think := providertest.Transcript(t, "think_tags.sse")
	inThink := think[:strings.Index(think, `{"content":". Answer`)-len("data: ")]
	providertest.Failures(t, backend, []providertest.Fault{
		{Name: "401",
			Resp: streamtest.Status(401, "application/json",
				`{"error":{"message":"Incorrect API key provided: `+testKey+`. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`),
			Want: []string{"401 Unauthorized: Incorrect API key provided: [key]", "check the API key in OPENAI_API_KEY"}},
		{Name: "404",
			Resp: streamtest.Status(404, "application/json",
				`{"error":{"message":"The model `+"`gpt-5-nope`"+` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`),
			Want: []string{"404", "does not exist", `"gpt-4o-mini"`}},
		{Name: "429",
			Resp: streamtest.Response{Status: 429, Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"20"}},
				Steps: []streamtest.Step{streamtest.Write(`{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","code":"rate_limit_exceeded"}}`)}},
			Want: []string{"429", "Rate limit reached", "retry after 20s"}},
		{Name: "413", Resp: streamtest.Status(413, "text/plain", "request entity too large"),
			Want: []string{"413", "shorten the prompt"}},
		{Name: "503", Resp: streamtest.Status(503, "text/html", "<html><h1>503 Service Temporarily Unavailable</h1></html>"),
			Want: []string{"503", "Service Temporarily Unavailable", "try again shortly"}},
		{Name: "html 200", Resp: streamtest.Status(200, "text/html", "<html><body>Bad gateway</body></html>"),
			Want: []string{"expected text/event-stream, got text/html: <html><body>Bad gateway</body></html>"}},
		{Name: "error object",
			Resp: streamtest.Stream(streamtest.Write(two + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n")),
			Want: []string{"The server had an error", "try again shortly"}, Partial: "Hello, world"},
		{Name: "rate limit in the stream",
			Resp: streamtest.Stream(streamtest.Write(two + `data: {"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}` + "\n\n")),
			Want: []string{"openai: Rate limit reached for gpt-4o-mini (rate limited; wait a moment and retry)"}, Partial: "Hello, world"},
		{Name: "drop", Resp: streamtest.Stream(streamtest.Write(two), streamtest.Drop()),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "Hello, world"},
		{Name: "no finish", Resp: streamtest.Stream(streamtest.Write(two)),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "Hello, world"},
		{Name: "drop in think", Resp: streamtest.Stream(streamtest.Write(inThink), streamtest.Drop()),
			Want: []string{"connection lost after"}, Is: provider.ErrIncomplete, Reasoning: "\nThe user says hi"},
		{Name: "malformed", Resp: streamtest.Stream(streamtest.Write(two + "data: {\"choices\":[{\"delta\":\n\n")),
			Want: []string{"malformed chunk after 2 tokens"}, Partial: "Hello, world"},
		// openai-mock-api 0.4's answer that is a tool call: finish_reason "stop".
		{Name: "tool call", Resp: streamtest.Response{Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Steps: []streamtest.Step{streamtest.Write(
			`data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}` + "\n\n" +
				`data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"San Francisco\"}"}}]},"finish_reason":null}]}` + "\n\n" +
				`data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
				"data: [DONE]\n\n")}},
			Want: []string{"openai: the model asked to call get_weather instead of answering (parley runs no tools; leave out -o tools)"}},
		// OpenAI's: text, then calls whose arguments come in pieces, finish_reason "tool_calls".
		{Name: "text then tool calls", Resp: streamtest.Stream(streamtest.Write(two +
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}` + "\n\ndata: [DONE]\n\n")),
			Want: []string{"asked to call get_weather, get_time instead"}, Partial: "Hello, world"},
		{Name: "content filter",
			Resp: streamtest.Stream(streamtest.Write(two + `data: {"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}` + "\n\ndata: [DONE]\n\n")),
			Want: []string{"content filter"}, Partial: "Hello, world"},
	}...)
}

// TestQuotedDone reads the stream of an OpenAI-compatible server written
// with better-sse (Node), whose default serializer JSON-encodes the data of
// every event, [DONE] included, and gives each event a random id.
func TestQuotedDone(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("retry:2000\n\n"+
		"event:message\nid:5e0c2b1a\ndata:{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"+
		"event:message\nid:9d41a7c3\ndata:{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"+
		"event:message\nid:77aa0f12\ndata:\"[DONE]\"\n\n")))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || !r.Finished || r.Text != "Hello" || r.Reason != "stop" {
		t.Fatalf("text %q, finished %v, reason %q, error %v", r.Text, r.Finished, r.Reason, r.Err)
	}
}

func TestFinishWithoutDone(t *testing.T) {
	// Some servers end the body after the finish_reason with no [DONE].
	basic := providertest.Transcript(t, "basic.sse")
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(strings.ReplaceAll(basic[:strings.Index(basic, "data: [DONE]")], "\n", "\r\n"))))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || r.Text != "Hello, world" || r.Reason != "stop" || r.Usage == nil {
		t.Fatalf("got %+v", r)
	}
}

func TestFinishThenSilence(t *testing.T) {
	// A proxy that holds the connection open after the last chunk: the
	// answer ends at the usage chunk that follows the finish_reason, or
	// a grace after the finish_reason when none comes.
	basic := providertest.Transcript(t, "basic.sse")
	withUsage := basic[:strings.Index(basic, "data: [DONE]")]
	noUsage := basic[:strings.Index(basic, `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[]`)]
	for _, tt := range []struct {
		name, body string
		usage      bool
	}{{"usage", withUsage, true}, {"no usage", noUsage, false}} {
		t.Run(tt.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(tt.body), streamtest.Stall()))
			c := newClient(srv, provider.Options{IdleTimeout: 10 * time.Second})
			start := time.Now()
			r := providertest.Stream(t, c, hello)
			if r.Err != nil || r.Text != "Hello, world" || r.Reason != "stop" || (r.Usage != nil) != tt.usage {
				t.Fatalf("got %+v", r)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the answer took %s to end", d)
			}
		})
	}
}

func TestUsageAfterFinishEndsTheAnswer(t *testing.T) {
	d := decoder{name: "openai"}
	s := &providertest.Sink{}
	for _, data := range []string{
		`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}`,
		`{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}`,
	} {
		if d.usageAfter {
			t.Fatal("usage in the chunk with the finish_reason ended the answer")
		}
		if _, err := d.handle([]byte(data), s); err != nil {
			t.Fatal(err)
		}
	}
	if !d.usageAfter {
		t.Error("the usage chunk after the finish_reason did not end the answer")
	}
}

func TestSplitSurrogates(t *testing.T) {
	providertest.Surrogates(t, backend, provider.MediaEventStream,
		func(literals ...string) string {
			var b strings.Builder
			for _, lit := range literals {
				b.WriteString(`data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":` + lit + `},"finish_reason":null}]}` + "\n\n")
			}
			b.WriteString(`data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n")
			return b.String()
		})
}

func TestIdleAndKeepAlive(t *testing.T) {
	basic := providertest.Transcript(t, "basic.sse")
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write(": ping\n\n"), streamtest.Sleep(20*time.Millisecond), streamtest.Write(": ping\n\n"), streamtest.Sleep(20*time.Millisecond), streamtest.Write(basic)),
		streamtest.Stream(streamtest.Write(basic[:200]), streamtest.Stall()),
	)
	c := newClient(srv, provider.Options{IdleTimeout: time.Second})
	if r := providertest.Stream(t, c, hello); r.Err != nil {
		t.Fatalf("keep-alives did not count as activity: %v", r.Err)
	}
	c = newClient(srv, provider.Options{IdleTimeout: 200 * time.Millisecond})
	r := providertest.Stream(t, c, hello)
	var te *provider.TimeoutError
	if !errors.As(r.Err, &te) || !te.Idle {
		t.Fatalf("error %v", r.Err)
	}
}

func TestRegistered(t *testing.T) {
	ep := provider.Presets()["groq"]
	if _, err := provider.New(ep, provider.Options{}); !errors.Is(err, provider.ErrNoKey) || !strings.Contains(err.Error(), "GROQ_API_KEY") {
		t.Errorf("groq without a key: %v", err)
	}
	p, err := provider.New(provider.Presets()["lmstudio"], provider.Options{})
	if err != nil || p.Name() != "lmstudio" {
		t.Errorf("lmstudio: %v, %v", p, err)
	}
}

func TestListModels(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Status(200, "application/json",
		`{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"system"},{"id":"gpt-4o","object":"model","created":1,"owned_by":"system"}]}`))
	ids, err := newClient(srv, provider.Options{}).ListModels(t.Context())
	if err != nil || strings.Join(ids, ",") != "gpt-4o,gpt-4o-mini" {
		t.Fatalf("ListModels = %v, %v", ids, err)
	}
	if r := srv.Requests()[0]; r.Path != "/v1/models" || r.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request %+v", r)
	}
}

func TestHugeLineAndInvalidUTF8(t *testing.T) {
	huge := "data: {\"choices\":[{\"delta\":{\"content\":\"" + strings.Repeat("x", 9<<20) + "\"}}]}\n\n"
	bad := "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\xe9 \xff ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write(providertest.Transcript(t, "basic.sse")[:300]), streamtest.Chunks(huge, 1<<20)),
		streamtest.Stream(streamtest.Trickle(bad, time.Millisecond)),
	)
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "exceeds 8 MiB") {
		t.Fatalf("huge line: %v", r.Err)
	}
	r = providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || r.Text != "caf\uFFFD \uFFFD ok" {
		t.Fatalf("invalid UTF-8: %q, %v", r.Text, r.Err)
	}
}

func TestMaxCompletionTokens(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Status(400, "application/json", `{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}`),
		streamtest.Stream(streamtest.Write(providertest.Transcript(t, "basic.sse"))),
	)
	req := hello
	req.MaxTokens = 300
	r := providertest.Stream(t, newClient(srv, provider.Options{}), req)
	if r.Err != nil || r.Text != "Hello, world" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
	b := string(srv.Requests()[1].Body)
	if !strings.Contains(b, `"max_completion_tokens":300`) || strings.Contains(b, `"max_tokens"`) || !strings.Contains(b, "stream_options") {
		t.Errorf("second body %s", b)
	}
}

func TestUnfixable400(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Status(400, "application/json",
		`{"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model.","type":"invalid_request_error"}}`))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "400 Bad Request: Unsupported value: 'temperature'") || len(srv.Requests()) != 1 {
		t.Fatalf("error %v after %d requests", r.Err, len(srv.Requests()))
	}
}

func TestFaultMatrix(t *testing.T) {
	frames := providertest.SSEFrames(providertest.Transcript(t, "basic.sse"))
	providertest.Faults(t, backend, providertest.Wire{
		ContentType: provider.MediaEventStream,
		Frames:      frames,
		Finished:    5, // the chunk with the finish_reason
		Text:        "Hello, world",
		Word:        "world",
		Unknown:     `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"audio":{"id":"a"}},"finish_reason":null}],"obfuscation":"x"}` + "\n\nevent: future\ndata: {}\n\n",
		KeepAlive:   ": ping\n\n",
	})
}
