package sse

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
	"github.com/parley-chat/parley/stream"
	"github.com/parley-chat/parley/stream/streamtest"
)

func TestMain(m *testing.M) { providertest.Main(m) }

const testKey = "sse-key-0123456789abcdef"

func newClient(srv *streamtest.Server, o provider.Options) *Client {
	ep := provider.Endpoint{Name: "acme", Type: provider.TypeSSE, BaseURL: srv.URL + "/v1/answer", APIKey: testKey, APIKeyEnv: "ACME_KEY"}
	c := New(ep, providertest.Options(srv, o))
	c.Reconnect = stream.Options{Retry: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
	return c
}

// backend is this backend for the shared tests of providertest.
var backend = providertest.Backend{New: providertest.For(newClient), Request: hello, Key: testKey}

// oneRetry is a budget of one retry, quickly made.
var oneRetry = &provider.RetryPolicy{Max: 1, Base: time.Millisecond, Cap: time.Millisecond}

var hello = provider.Request{Model: "house-model", System: "Be exact.", Messages: []provider.Message{{Role: provider.RoleUser, Content: "The answer?"}}}

func TestAnswer(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Chunks(providertest.Transcript(t, "answer.sse"), 3)))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || !r.Finished {
		t.Fatalf("error %v", r.Err)
	}
	if r.Text != "The answer is\nforty-two." {
		t.Errorf("text %q", r.Text)
	}
	var got []string
	for _, p := range r.Progress {
		got = append(got, fmt.Sprintf("%g %s", p.Percent, p.Text))
	}
	if strings.Join(got, "|") != "10 retrieving documents|55 |100 done" {
		t.Errorf("progress %q", got)
	}
	req := srv.Requests()[0]
	body := providertest.Decode[chatRequest](t, req)
	if req.Path != "/v1/answer" || body.Model != "house-model" || len(body.Messages) != 2 || body.Messages[0].Role != provider.RoleSystem {
		t.Errorf("request %s %s", req.Path, req.Body)
	}
	if req.Header.Get("Authorization") != "Bearer "+testKey || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", req.Header)
	}
}

// TestJSONText reads the stream of a better-sse server (Node), which
// JSON-encodes each event's data: the text of the strings, a surrogate pair
// split across two events joined, and an error event's message unquoted.
func TestJSONText(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Chunks(providertest.Transcript(t, "better-sse.sse"), 7)))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || !r.Finished || r.Text != "The answer is\nforty-two 🎉 \"quoted\"." {
		t.Fatalf("text %q, finished %v, error %v", r.Text, r.Finished, r.Err)
	}
	srv = streamtest.NewServer(t, streamtest.Stream(streamtest.Write(
		"event:message\nid:1\ndata:\"Partial\"\n\nevent:error\nid:ad8bfdc6\ndata:\"quota exceeded\"\n\n")))
	r = providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	providertest.Failed(t, r, providertest.Failure{Want: []string{"acme: quota exceeded"}, Partial: "Partial"})
	if strings.Contains(r.Err.Error(), `"`) {
		t.Errorf("error %q keeps the quotes of the JSON string", r.Err)
	}
}

// TestPlainTextKeepsQuotes checks that a stream whose first text event is
// plain text keeps a later delta that happens to be a JSON string literal.
func TestPlainTextKeepsQuotes(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(
		"data: x = \n\ndata: \"\"\n\ndata: \"a\\u0062\"\n\nevent: done\ndata:\n\n")))
	r := providertest.Stream(t, newClient(srv, provider.Options{}), hello)
	if r.Err != nil || r.Text != `x = """a\u0062"` {
		t.Fatalf("text %q, error %v", r.Text, r.Err)
	}
}

func TestSplitSurrogates(t *testing.T) {
	providertest.Surrogates(t, backend, provider.MediaEventStream, func(lits ...string) string {
		var b strings.Builder
		for i, l := range lits {
			fmt.Fprintf(&b, "event:message\nid:%d\ndata:%s\n\n", i, l)
		}
		return b.String() + "event:done\ndata:\"\"\n\n"
	})
}

func TestResumeAfterDrop(t *testing.T) {
	full := providertest.Transcript(t, "answer.sse")
	cut := strings.Index(full, ": keep-alive") // events 1 and 2 arrived
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write(full[:cut]+"id: 3\ndata: forty"), streamtest.Drop()),
		streamtest.Stream(streamtest.Write(full[cut:])),
	)
	r := providertest.Stream(t, newClient(srv, provider.Options{Retry: oneRetry}), hello)
	if r.Err != nil {
		t.Fatalf("error %v", r.Err)
	}
	if r.Text != "The answer is\nforty-two." {
		t.Errorf("text %q: words lost or repeated", r.Text)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].Header.Get("Last-Event-ID") != "2" || string(reqs[1].Body) != string(reqs[0].Body) {
		t.Fatalf("reconnection %+v", reqs)
	}
	if len(r.Notices) != 1 || !strings.Contains(r.Notices[0], "resuming") {
		t.Errorf("notices %q", r.Notices)
	}
}

// betterSSE is an answer as better-sse writes it, its events under the
// given ids, with no "done".
func betterSSE(id1, id2 string) string {
	return "event:message\nid:" + id1 + "\ndata:\"The answer\"\n\nevent:message\nid:" + id2 + "\ndata:\" is 42.\"\n\n"
}

// TestResumeAfterCleanEnd follows a server that ends its body before
// "done" and goes on from Last-Event-ID when asked again, as a better-sse
// session that reads its lastId does.
func TestResumeAfterCleanEnd(t *testing.T) {
	greet := "event:hello\ndata:{\"server\":\"up\"}\n\n" // each connection opens with it
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write(greet+betterSSE("0", "1"))),
		streamtest.Stream(streamtest.Write(greet+"event:message\nid:2\ndata:\" Done.\"\n\nevent:done\nid:3\ndata:\"\"\n\n")),
	)
	r := providertest.Stream(t, newClient(srv, provider.Options{Retry: oneRetry}), hello)
	if r.Err != nil || !r.Finished || r.Text != "The answer is 42. Done." {
		t.Fatalf("text %q, finished %v, error %v", r.Text, r.Finished, r.Err)
	}
	if reqs := srv.Requests(); len(reqs) != 2 || reqs[1].Header.Get("Last-Event-ID") != "1" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestFaults(t *testing.T) {
	noIDs := "data: The answer\n\ndata:  is\n\n"
	piped := "retry:2000\n\nevent:stream\nid:177811c2\ndata:\"The\"\n\nevent:stream\nid:f5a7542a\ndata:\" answer\"\n\n"
	providertest.Failures(t, backend, []providertest.Fault{
		{Name: "drop without ids", Resp: streamtest.Stream(streamtest.Write(noIDs), streamtest.Drop()),
			Want: []string{"connection lost after 2 tokens"}, Is: provider.ErrIncomplete, Partial: "The answer is"},
		{Name: "end without done", Resp: streamtest.Stream(streamtest.Write(noIDs)),
			Want: []string{"connection lost after 2 tokens", "server closed the stream"}, Is: provider.ErrIncomplete, Partial: "The answer is"},
		// better-sse gives each event a random id; a server that ends its body
		// without "done" and ignores Last-Event-ID sends it all again.
		{Name: "resumption replays the answer", Options: provider.Options{Retry: oneRetry},
			Resp: streamtest.Stream(streamtest.Write(betterSSE("1a6f0c4e", "7d0b8e8a"))),
			More: []streamtest.Response{streamtest.Stream(streamtest.Write(betterSSE("c3d1f00b", "e9a2b7c4")))},
			Want: []string{`connection lost after 2 tokens: acme: stream: server closed the stream before a "done" event; resuming failed: acme: the server sent the answer again from its start`},
			Is:   provider.ErrIncomplete, Partial: "The answer is 42."},
		// better-sse's session.stream(readable) names its events "stream".
		{Name: "only unread events", Resp: streamtest.Stream(streamtest.Write(piped + "event:done\nid:9\ndata:\"\"\n\n")),
			Want: []string{`acme: the answer has no text (it sent 2 events of type "stream", which are not text: text events have no event field, or event: message)`}},
		{Name: "only unread events, no done", Resp: streamtest.Stream(streamtest.Write(piped)), Options: provider.Options{Retry: oneRetry},
			Want: []string{`acme: stream: server closed the stream before a "done" event (it sent 2 events of type "stream"`}},
		{Name: "resume refused", Resp: streamtest.Stream(streamtest.Write("id: 7\ndata: Hello\n\n"), streamtest.Drop()),
			More: []streamtest.Response{streamtest.Status(410, "text/plain", "stream expired")}, Options: provider.Options{Retry: oneRetry},
			Want: []string{"acme: 410 Gone: stream expired"}, Partial: "Hello"},
		{Name: "error event", Resp: streamtest.Stream(streamtest.Write(providertest.Transcript(t, "error.sse"))),
			Want: []string{"acme: quota exceeded for this project"}, Partial: "Partial"},
		{Name: "json error event",
			Resp: streamtest.Stream(streamtest.Write("event: error\ndata: {\"error\":{\"message\":\"model melted\",\"type\":\"server_error\"}}\n\n")),
			Want: []string{"acme: model melted"}},
		{Name: "401", Resp: streamtest.Status(401, "application/json", `{"error":"bad token `+testKey+`"}`),
			Want: []string{"401", "bad token [key]", "ACME_KEY"}},
		{Name: "html", Resp: streamtest.Status(200, "text/html", "<html>Sign in</html>"),
			Want: []string{"expected text/event-stream, got text/html", "Sign in"}},
		{Name: "bad progress", Resp: streamtest.Stream(streamtest.Write("event: progress\ndata: lots\n\n")),
			Want: []string{"malformed progress event"}},
		{Name: "idle without ids", Options: provider.Options{IdleTimeout: 200 * time.Millisecond},
			Resp: streamtest.Stream(streamtest.Write(noIDs), streamtest.Stall()), Want: []string{"answer incomplete after 2 tokens", "--idle-timeout"},
			Partial: "The answer is"},
	}...)
}

func TestNoURL(t *testing.T) {
	if _, err := provider.New(provider.Presets()["sse"], provider.Options{}); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("New without a URL: %v", err)
	}
}

func FuzzParseEvent(f *testing.F) {
	f.Add("message", "hello")
	f.Add("progress", `{"percent": 50, "label": "half"}`)
	f.Add("progress", "NaN")
	f.Add("progress", "101%")
	f.Add("error", `{"error":{"message":"x"}}`)
	f.Add("done", "")
	f.Add("usage", `{"input_tokens": 3}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		done, err := (&decoder{name: "sse"}).handle(typ, data, &providertest.Sink{})
		if done && (err != nil || typ != "done") {
			t.Fatalf("done=%v err=%v for %q", done, err, typ)
		}
		if typ == "progress" && err == nil {
			if p, _, _ := parseProgress(data); p != -1 && (p < 0 || p > 100) {
				t.Fatalf("percent %v out of range", p)
			}
		}
	})
}

func TestTimeout(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("id: 1\ndata: Hello\n\n"), streamtest.Stall()))
	r := providertest.Stream(t, newClient(srv, provider.Options{Timeout: 200 * time.Millisecond}), hello)
	var te *provider.TimeoutError
	if !errors.As(r.Err, &te) || te.Idle || !strings.Contains(r.Err.Error(), "answer incomplete after 1 tokens") || strings.Contains(r.Err.Error(), "connection lost") || !strings.Contains(r.Err.Error(), "--timeout") {
		t.Fatalf("error %v", r.Err)
	}
}

func TestFaultMatrix(t *testing.T) {
	frames := providertest.SSEFrames(providertest.Transcript(t, "answer.sse"))
	providertest.Faults(t, backend, providertest.Wire{
		ContentType: provider.MediaEventStream,
		Frames:      frames,
		Finished:    len(frames), // the done event
		Text:        "The answer is\nforty-two.",
		Word:        "forty",
		Unknown:     "event: future\ndata: {\"x\": 1}\n\n",
		KeepAlive:   ": ping\n\n",
		Resumes:     true,
		Strict:      true,
	})
}

// TestRetryBudget checks that the stream client's reconnections and
// provider.Run's retries share one budget per request: a connection reset
// before any event is retried Max times in all, each with a notice, and
// what the retries before the first token spent is gone for resuming.
func TestRetryBudget(t *testing.T) {
	policy := &provider.RetryPolicy{Max: 2, Base: time.Millisecond, Cap: time.Millisecond}
	t.Run("reset before any event", func(t *testing.T) {
		srv := streamtest.NewServerFunc(t, func(int, *http.Request) streamtest.Response {
			return streamtest.Stream(streamtest.Write(": hello\n\n"), streamtest.Reset())
		})
		r := providertest.Stream(t, newClient(srv, provider.Options{Retry: policy}), hello)
		if r.Err == nil || !strings.Contains(r.Err.Error(), "reset") {
			t.Fatalf("error %v", r.Err)
		}
		if n := len(srv.Requests()); n != 3 || len(r.Notices) != 2 {
			t.Errorf("%d requests, notices %q; want 3 requests and a notice for each retry", n, r.Notices)
		}
	})
	t.Run("retries before the first token leave less to resume", func(t *testing.T) {
		srv := streamtest.NewServer(t,
			streamtest.Stream(streamtest.Reset()),
			streamtest.Stream(streamtest.Write("id: 1\ndata: Hello\n\n"), streamtest.Drop()),
			streamtest.Stream(streamtest.Write(": nothing new\n\n")), // a fourth request would fail the test
		)
		r := providertest.Stream(t, newClient(srv, provider.Options{Retry: policy}), hello)
		providertest.Failed(t, r, providertest.Failure{Want: []string{"connection lost after 1 tokens"}, Is: provider.ErrIncomplete, Partial: "Hello"})
		if n := len(srv.Requests()); n != 3 || len(r.Notices) != 2 {
			t.Errorf("%d requests, notices %q; want 3 and 2", n, r.Notices)
		}
	})
	t.Run("a server's long retry is not waited for", func(t *testing.T) {
		srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("retry: 3600000\nid: 1\ndata: Hello\n\n"), streamtest.Drop()))
		start := time.Now()
		r := providertest.Stream(t, newClient(srv, provider.Options{Retry: policy}), hello)
		providertest.Failed(t, r, providertest.Failure{Want: []string{"connection lost after 1 tokens", "asks to wait 1h0m0s"}, Partial: "Hello"})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}
