package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/stream/streamtest"
)

// fast makes reconnections quick; tests assert no timing.
var fast = Options{Retry: time.Millisecond, MaxBackoff: 4 * time.Millisecond}

type clientRun struct {
	Data       []string
	IDs        []string
	Reconnects []Reconnect
	Err        error
}

func runClient(t *testing.T, ctx context.Context, srv *streamtest.Server, newReq RequestFunc, opts Options) clientRun {
	t.Helper()
	var run clientRun
	opts.OnReconnect = func(r Reconnect) { run.Reconnects = append(run.Reconnects, r) }
	if newReq == nil {
		newReq = NewRequestFunc(http.MethodGet, srv.URL+"/events", nil, nil)
	}
	c := NewClient(ctx, srv.Client(), newReq, opts)
	defer c.Close()
	for c.Next() {
		run.Data = append(run.Data, c.Event().Data)
		run.IDs = append(run.IDs, c.Event().ID)
	}
	run.Err = c.Err()
	return run
}

func TestClientResumesAfterDrop(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(
			streamtest.Write("retry: 1\n\nid: 1\ndata: The\n\nid: 2\ndata: quick"),
			streamtest.Split("\n\nid: 3\ndata: br", 1, 5), // event 3 is cut off
			streamtest.Drop(),
		),
		streamtest.Stream(streamtest.Write("id: 3\ndata: brown\n\nid: 4\ndata: fox\n\n")),
		streamtest.Stream(streamtest.Flush()), // ends at once: no event
		streamtest.Status(http.StatusNoContent, "", ""),
	)
	body := []byte(`{"prompt":"hi"}`)
	newReq := NewRequestFunc(http.MethodPost, srv.URL+"/chat", body, http.Header{"X-Key": {"v"}})
	run := runClient(t, t.Context(), srv, newReq, fast)
	if run.Err != nil {
		t.Fatalf("error %v", run.Err)
	}
	if want := []string{"The", "quick", "brown", "fox"}; !reflect.DeepEqual(run.Data, want) {
		t.Errorf("data %q, want %q", run.Data, want)
	}
	if want := []string{"1", "2", "3", "4"}; !reflect.DeepEqual(run.IDs, want) {
		t.Errorf("ids %q, want %q", run.IDs, want)
	}
	reqs := srv.Requests()
	for i, r := range reqs {
		if r.Method != "POST" || string(r.Body) != string(body) || r.Header.Get("X-Key") != "v" ||
			r.Header.Get("Accept") != "text/event-stream" || r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("request %d: %+v", i, r)
		}
	}
	var ids []string
	for _, r := range reqs {
		ids = append(ids, r.Header.Get("Last-Event-ID"))
	}
	if want := []string{"", "2", "4", "4"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Last-Event-ID %q, want %q", ids, want)
	}
	if len(run.Reconnects) != 3 || run.Reconnects[0].Wait != time.Millisecond ||
		!errors.Is(run.Reconnects[0].Err, io.ErrUnexpectedEOF) || run.Reconnects[0].Attempt != 1 ||
		!errors.Is(run.Reconnects[1].Err, ErrEnded) || run.Reconnects[2].Attempt != 2 {
		t.Errorf("reconnects %+v", run.Reconnects)
	}
}

// format-data-before-final-empty-line: the id of an event that was never
// dispatched is not sent back.
func TestClientUndispatchedID(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("retry:1\ndata:test1\n\nid:test\ndata:test2")),
		streamtest.Stream(streamtest.Write("id: \u2026\ndata:test1\n\n")),
		streamtest.Stream(), // two reconnections in a row with no event
		streamtest.Stream(),
	)
	opts := fast
	opts.MaxReconnects = 2
	run := runClient(t, t.Context(), srv, nil, opts)
	if !errors.Is(run.Err, ErrEnded) || !strings.Contains(run.Err.Error(), "gave up after 2 reconnects") {
		t.Errorf("error %v", run.Err)
	}
	reqs := srv.Requests()
	if len(reqs) != 4 || reqs[1].Header.Get("Last-Event-ID") != "" || reqs[3].Header.Get("Last-Event-ID") != "\u2026" {
		t.Errorf("requests %+v", reqs)
	}
}

// A reconnection after a clean end of the body reuses the connection.
func TestClientKeepAlive(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("retry: 1\ndata: a\n\n")),
		streamtest.Status(http.StatusNoContent, "", ""),
	)
	if run := runClient(t, t.Context(), srv, nil, fast); run.Err != nil || len(run.Data) != 1 {
		t.Fatalf("got %+v", run)
	}
	if reqs := srv.Requests(); reqs[0].RemoteAddr != reqs[1].RemoteAddr {
		t.Errorf("reconnected from %s, then %s: a new connection", reqs[0].RemoteAddr, reqs[1].RemoteAddr)
	}
}

func TestClientNoReconnect(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n")))
	opts := fast
	opts.MaxReconnects = -1
	run := runClient(t, t.Context(), srv, nil, opts)
	if run.Err != nil || len(run.Data) != 1 || len(run.Reconnects) != 0 {
		t.Errorf("got %+v", run)
	}
	srv = streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n"), streamtest.Drop()))
	run = runClient(t, t.Context(), srv, nil, opts)
	if !errors.Is(run.Err, io.ErrUnexpectedEOF) || len(run.Data) != 1 {
		t.Errorf("a drop without reconnection: %+v", run)
	}
}

func TestClientFailures(t *testing.T) {
	tests := []struct {
		name string
		resp streamtest.Response
		want string
	}{
		{"server error", streamtest.Status(500, "application/json", `{"error":{"message":"overloaded"}}`),
			`stream: server answered 500 Internal Server Error: "{\"error\":{\"message\":\"overloaded\"}}"`},
		{"html page", streamtest.Status(200, "text/html; charset=utf-8", "\n<html><title>Gateway</title>"),
			`stream: expected text/event-stream, got text/html; charset=utf-8: "<html><title>Gateway</title>"`},
		{"format-mime-bogus", streamtest.Status(200, "x bogus", "data: x\n\n"),
			`stream: expected text/event-stream, got x bogus: "data: x"`},
		{"format-mime-valid-bogus", streamtest.Status(200, "text/x-bogus", "data: x\n\n"),
			`stream: expected text/event-stream, got text/x-bogus: "data: x"`},
		{"no content type", streamtest.Response{Header: http.Header{"Content-Type": {""}}, Steps: []streamtest.Step{streamtest.Write("data: x\n\n")}},
			`stream: expected text/event-stream, got no content type: "data: x"`},
		{"redirect loop", streamtest.Response{Status: 404}, `stream: server answered 404 Not Found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, tt.resp) // a second request would fail the test
			run := runClient(t, t.Context(), srv, nil, fast)
			var re *ResponseError
			if !errors.As(run.Err, &re) || run.Err.Error() != tt.want || len(run.Data) != 0 {
				t.Errorf("got %v\nwant %s", run.Err, tt.want)
			}
		})
	}
}

func TestClientMediaTypes(t *testing.T) {
	for _, ct := range []string{"text/event-stream", "text/event-stream;", "text/event-stream;charset=windows-1252", "Text/Event-Stream ; x=y"} {
		srv := streamtest.NewServer(t, streamtest.Response{
			Header: http.Header{"Content-Type": {ct}},
			Steps:  []streamtest.Step{streamtest.Write("data:ok\xE2\x80\xA6\n\n")},
		})
		opts := fast
		opts.MaxReconnects = -1
		if run := runClient(t, t.Context(), srv, nil, opts); run.Err != nil || !reflect.DeepEqual(run.Data, []string{"ok\u2026"}) {
			t.Errorf("%q: %+v", ct, run)
		}
	}
}

func TestClientNoContent(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Status(http.StatusNoContent, "", ""))
	if run := runClient(t, t.Context(), srv, nil, fast); run.Err != nil || len(run.Data) != 0 {
		t.Errorf("got %+v", run)
	}
}

func TestClientRefusedFailsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	var calls int
	opts := fast
	opts.OnReconnect = func(Reconnect) { calls++ }
	c := NewClient(t.Context(), nil, NewRequestFunc("GET", url, nil, nil), opts)
	if c.Next() || c.Err() == nil || calls != 0 {
		t.Errorf("err %v after %d reconnects", c.Err(), calls)
	}
}

func TestClientCancel(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("data: a\n\n"), streamtest.Stall()),
		streamtest.Stream(streamtest.Write("data: b\n\n")),
	)
	ctx, cancel := context.WithCancel(t.Context())
	c := NewClient(ctx, srv.Client(), NewRequestFunc("GET", srv.URL, nil, nil), fast)
	defer c.Close()
	if !c.Next() {
		t.Fatal(c.Err())
	}
	cancel()
	if c.Next() || !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("after cancel: %v", c.Err())
	}

	// Cancelled while waiting to reconnect.
	ctx, cancel = context.WithCancel(t.Context())
	opts := Options{Retry: time.Hour, OnReconnect: func(Reconnect) { cancel() }}
	c = NewClient(ctx, srv.Client(), NewRequestFunc("GET", srv.URL, nil, nil), opts)
	defer c.Close()
	for c.Next() {
	}
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("cancel during the wait: %v", c.Err())
	}
}

func TestClientIdleReconnects(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("id: 1\ndata: a\n\n"), streamtest.Stall()),
		streamtest.Stream(streamtest.Write("data: b\n\n")),
	)
	opts := fast
	opts.MaxReconnects = -1
	opts.IdleTimeout = 20 * time.Millisecond
	run := runClient(t, t.Context(), srv, nil, opts)
	if !errors.Is(run.Err, ErrIdle) || len(run.Data) != 1 {
		t.Errorf("without reconnection: %+v", run)
	}
	opts.MaxReconnects = 1
	srv = streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("id: 1\ndata: a\n\n"), streamtest.Stall()),
		streamtest.Stream(streamtest.Write("data: b\n\n")),
		streamtest.Stream(),
	)
	run = runClient(t, t.Context(), srv, nil, opts)
	if !reflect.DeepEqual(run.Data, []string{"a", "b"}) || !errors.Is(run.Reconnects[0].Err, ErrIdle) {
		t.Errorf("with reconnection: %+v", run)
	}
}

func TestClientTooLarge(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: "+strings.Repeat("x", 100)+"\n\n")))
	opts := fast
	opts.MaxEventSize = 50
	if run := runClient(t, t.Context(), srv, nil, opts); !errors.Is(run.Err, ErrTooLarge) || len(run.Reconnects) != 0 {
		t.Errorf("got %+v", run)
	}
}

func TestClientBackoff(t *testing.T) {
	c := NewClient(t.Context(), nil, nil, Options{Retry: 100 * time.Millisecond, MaxBackoff: time.Second})
	for range 100 {
		if w := c.backoff(1); w != 100*time.Millisecond {
			t.Fatalf("first wait %v", w)
		}
		if w := c.backoff(2); w < 100*time.Millisecond || w > 200*time.Millisecond {
			t.Fatalf("second wait %v", w)
		}
		if w := c.backoff(4); w < 400*time.Millisecond || w > 800*time.Millisecond {
			t.Fatalf("fourth wait %v", w)
		}
		if w := c.backoff(30); w < 500*time.Millisecond || w > time.Second {
			t.Fatalf("capped wait %v", w)
		}
	}
	c.retry, c.retrySet = 5*time.Second, true
	if w := c.backoff(3); w < 2500*time.Millisecond || w > 5*time.Second {
		t.Errorf("a server's retry above the cap: %v", w)
	}
	c.retry = 0
	if w := c.backoff(3); w != 0 {
		t.Errorf("retry: 0 gives %v", w)
	}
}

// An error response that stalls mid-body does not hang the client.
func TestClientStalledErrorBody(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Response{
		Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"text/html"}},
		Steps:  []streamtest.Step{streamtest.Write("<html>Bad"), streamtest.Stall()},
	})
	opts := fast
	opts.IdleTimeout = 20 * time.Millisecond
	run := runClient(t, t.Context(), srv, nil, opts)
	var re *ResponseError
	if !errors.As(run.Err, &re) || re.StatusCode != http.StatusBadGateway || string(re.Body) != "<html>Bad" {
		t.Errorf("got %v", run.Err)
	}
}

// Over HTTPS with HTTP/2, a reset stream is resumed like a dropped
// connection.
func TestClientHTTP2(t *testing.T) {
	srv := streamtest.NewTLSServer(t,
		streamtest.Stream(streamtest.Write("retry: 1\nid: 1\ndata: a\n\ndata: b"), streamtest.Drop()),
		streamtest.Stream(streamtest.Write("id: 2\ndata: b\n\n")),
		streamtest.Status(http.StatusNoContent, "", ""),
	)
	var protos []string
	base := srv.Client().Transport
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err == nil {
			protos = append(protos, resp.Proto)
		}
		return resp, err
	})}
	c := NewClient(t.Context(), hc, NewRequestFunc("GET", srv.URL, nil, nil), fast)
	defer c.Close()
	var data []string
	for c.Next() {
		data = append(data, c.Event().Data)
	}
	if c.Err() != nil || !reflect.DeepEqual(data, []string{"a", "b"}) {
		t.Errorf("got %q, %v", data, c.Err())
	}
	if len(protos) != 3 || protos[0] != "HTTP/2.0" {
		t.Errorf("protocols %q", protos)
	}
	if id := srv.Requests()[1].Header.Get("Last-Event-ID"); id != "1" {
		t.Errorf("Last-Event-ID %q", id)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Cancelled while waiting for the response headers.
func TestClientCancelBeforeHeaders(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Stall()))
	ctx, cancel := context.WithCancel(t.Context())
	c := NewClient(ctx, srv.Client(), NewRequestFunc("GET", srv.URL, nil, nil), fast)
	defer c.Close()
	done := make(chan bool)
	go func() { done <- c.Next() }()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if <-done || !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("after cancel: %v", c.Err())
	}
}

// TestClientProgress checks that only reconnections that bring an event
// with a new ID reset the count of reconnections: an endpoint that sends
// its events and closes is given up on, one that resumes is followed.
func TestClientProgress(t *testing.T) {
	replay := func(body string) []streamtest.Response {
		return []streamtest.Response{
			streamtest.Stream(streamtest.Write(body)),
			streamtest.Stream(streamtest.Write(body)),
			streamtest.Stream(streamtest.Write(body)),
		}
	}
	for _, tc := range []struct {
		name  string
		resps []streamtest.Response
		data  int
	}{
		{"no ids", replay("data: a\n\ndata: b\n\n"), 6},
		{"the same ids again", replay("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), 6},
		{"no event", []streamtest.Response{
			streamtest.Stream(streamtest.Write("id: 1\ndata: a\n\n")),
			streamtest.Stream(streamtest.Write(": nothing new\n\n")),
			streamtest.Stream(streamtest.Flush()),
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, tc.resps...) // a fourth request would fail the test
			opts := fast
			opts.MaxReconnects = 2
			run := runClient(t, t.Context(), srv, nil, opts)
			if !errors.Is(run.Err, ErrEnded) || !strings.Contains(run.Err.Error(), "gave up after 2 reconnects") || len(run.Data) != tc.data {
				t.Errorf("got %+v", run)
			}
			if n := len(run.Reconnects); n != 2 || run.Reconnects[1].Attempt != 2 {
				t.Errorf("reconnects %+v", run.Reconnects)
			}
		})
	}
	t.Run("new ids", func(t *testing.T) {
		var resps []streamtest.Response
		for i := range 5 {
			resps = append(resps, streamtest.Stream(streamtest.Write(fmt.Sprintf("id: %d\ndata: x\n\n", i+1))))
		}
		srv := streamtest.NewServer(t, append(resps, streamtest.Status(http.StatusNoContent, "", ""))...)
		opts := fast
		opts.MaxReconnects = 1
		run := runClient(t, t.Context(), srv, nil, opts)
		if run.Err != nil || len(run.Data) != 5 || len(srv.Requests()) != 6 {
			t.Errorf("got %+v after %d requests", run, len(srv.Requests()))
		}
		for _, r := range run.Reconnects {
			if r.Attempt != 1 {
				t.Errorf("reconnect %+v: a new event should reset the count", r)
			}
		}
	})
}
