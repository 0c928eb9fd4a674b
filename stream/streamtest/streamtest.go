// Package streamtest serves scripted byte streams over HTTP for tests of
// stream readers and providers, as net/http/httptest serves handlers.
//
// A Server answers its n-th request with its n-th Response: a status,
// headers, and a script of Steps that write bytes (whole, split across
// flushes at chosen byte positions, or trickled), pause, stall until the
// client goes away, or drop the connection mid-stream. Every request is
// recorded with its method, path, headers and body, so a test can check,
// say, the Last-Event-ID of a reconnection.
//
//	srv := streamtest.NewServer(t,
//		streamtest.Stream(
//			streamtest.Write("id: 1\ndata: hel"),
//			streamtest.Split("lo\n\ndata: wor", 1, 3), // three writes, flushed apart
//			streamtest.Drop(),                         // connection lost mid-event
//		),
//		streamtest.Stream(streamtest.Write("data: world\n\n")),
//	)
//	// ... point the client at srv.URL ...
//	if got := srv.Requests()[1].Header.Get("Last-Event-ID"); got != "1" { ... }
//
// The server listens on 127.0.0.1 only and is closed when the test ends;
// closing it ends every stalled or sleeping script first, so no goroutine
// is left behind. A request beyond the script fails the test and is
// answered with 500.
package streamtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// EventStream is the media type of server-sent events.
const EventStream = "text/event-stream"

// Response is the scripted answer to one request.
type Response struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Header is sent as is. Content-Type defaults to text/event-stream
	// when Header does not set it; set it to "" to send none:
	// Header{"Content-Type": {""}}.
	Header http.Header
	// Steps write the body, in order; when they run out, the body ends
	// cleanly. The status and headers are sent with the first step that
	// writes (Write, Split, Chunks, Repeat, Trickle, Flush), or when the
	// script ends: a script that begins with Stall or Sleep keeps the
	// client waiting for the headers.
	Steps []Step
}

// Stream returns a 200 text/event-stream Response with the given steps.
func Stream(steps ...Step) Response { return Response{Steps: steps} }

// Status returns a Response with the given status, content type and body,
// such as an API's JSON error or a proxy's HTML page.
func Status(code int, contentType, body string) Response {
	return Response{
		Status: code,
		Header: http.Header{"Content-Type": {contentType}},
		Steps:  []Step{Write(body)},
	}
}

// Request is a request that a Server received.
type Request struct {
	Method string
	Path   string // the request URI: path and query
	Header http.Header
	Body   []byte
	// RemoteAddr is the client's address: requests on one kept-alive
	// connection share it.
	RemoteAddr string
}

// Server is a scripted HTTP server listening on 127.0.0.1.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	tb      testing.TB
	srv     *httptest.Server
	respond func(n int, r *http.Request) Response
	quit    chan struct{}
	once    sync.Once

	mu   sync.Mutex
	reqs []Request
}

// NewServer starts a Server that answers its n-th request (from 0) with
// responses[n]. It is closed by tb.Cleanup.
func NewServer(tb testing.TB, responses ...Response) *Server {
	tb.Helper()
	return start(tb, scripted(tb, responses), false)
}

// scripted answers the n-th request with responses[n], and fails the test
// on a request beyond them.
func scripted(tb testing.TB, responses []Response) func(int, *http.Request) Response {
	return func(n int, r *http.Request) Response {
		if n >= len(responses) {
			tb.Errorf("streamtest: unexpected request %d: %s %s (script has %d)", n+1, r.Method, r.URL, len(responses))
			return Status(http.StatusInternalServerError, "text/plain", "streamtest: unexpected request")
		}
		return responses[n]
	}
}

// NewServerFunc starts a Server that asks respond for the answer to its
// n-th request (from 0). respond may be called from several goroutines.
// The Server is closed by tb.Cleanup.
func NewServerFunc(tb testing.TB, respond func(n int, r *http.Request) Response) *Server {
	tb.Helper()
	return start(tb, respond, false)
}

// NewTLSServer is like NewServer, over HTTPS with HTTP/2 offered, as model
// APIs serve. Its Client trusts the server's certificate and speaks
// HTTP/2; other clients see a self-signed certificate. Drop resets the
// HTTP/2 stream.
func NewTLSServer(tb testing.TB, responses ...Response) *Server {
	tb.Helper()
	return start(tb, scripted(tb, responses), true)
}

func start(tb testing.TB, respond func(n int, r *http.Request) Response, tls bool) *Server {
	s := &Server{tb: tb, respond: respond, quit: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	if tls {
		s.srv.EnableHTTP2 = true
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Client returns an HTTP client for the server, which trusts its
// certificate when it has one.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Close ends every running script, then shuts the server down and waits
// for its handlers to return. It may be called more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.quit)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.reqs)
	s.reqs = append(s.reqs, Request{
		Method: r.Method,
		Path:   r.URL.RequestURI(),
		Header: r.Header.Clone(),
		Body:   body,

		RemoteAddr: r.RemoteAddr,
	})
	s.mu.Unlock()

	resp := s.respond(n, r)
	p := &player{w: w, rc: http.NewResponseController(w), resp: resp, quit: s.quit, done: r.Context().Done()}
	for _, st := range resp.Steps {
		if !st.run(p) {
			// The client went away or the server is closing: end the
			// body abruptly, never with a clean end.
			panic(http.ErrAbortHandler)
		}
	}
	p.header()
}

// player runs one Response's steps against one request.
type player struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	resp Response
	sent bool
	quit <-chan struct{} // the server is closing
	done <-chan struct{} // the client went away
}

func (p *player) header() {
	if p.sent {
		return
	}
	p.sent = true
	h := p.w.Header()
	for k, v := range p.resp.Header {
		h[k] = v
	}
	if _, ok := p.resp.Header["Content-Type"]; !ok {
		h.Set("Content-Type", EventStream)
	}
	if h.Get("Content-Type") == "" {
		delete(h, "Content-Type")
		h["Content-Type"] = nil // stop net/http from sniffing one
	}
	status := p.resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	p.w.WriteHeader(status)
}

// write sends b and flushes it; it reports false when the client is gone.
func (p *player) write(b []byte) bool {
	p.header()
	if len(b) > 0 {
		if _, err := p.w.Write(b); err != nil {
			return false
		}
	}
	return p.rc.Flush() == nil
}

// wait pauses for d (forever if d < 0); it reports false when the client
// went away or the server is closing.
func (p *player) wait(d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-p.done:
	case <-p.quit:
	}
	return false
}

// Step is one action of a Response's script.
type Step struct {
	name string
	run  func(p *player) bool
}

// String names the step, for test logs.
func (s Step) String() string { return s.name }

// Write writes s and flushes it.
func Write(s string) Step {
	return Step{"Write", func(p *player) bool { return p.write([]byte(s)) }}
}

// Split writes s in pieces cut at the given byte offsets (increasing, within
// s), flushing after each piece, so that a reader sees the cuts as separate
// reads: Split("data: x\r\n\r\n", 8) separates a CR from its LF.
func Split(s string, at ...int) Step {
	return Step{"Split", func(p *player) bool {
		prev := 0
		for _, i := range append(at, len(s)) {
			if i < prev || i > len(s) {
				panic(fmt.Sprintf("streamtest: Split offset %d out of order or range", i))
			}
			if !p.write([]byte(s[prev:i])) {
				return false
			}
			prev = i
		}
		return true
	}}
}

// Chunks writes s in pieces of n bytes, flushing after each.
func Chunks(s string, n int) Step {
	return Step{"Chunks", func(p *player) bool {
		for b := []byte(s); len(b) > 0; {
			k := min(n, len(b))
			if !p.write(b[:k]) {
				return false
			}
			b = b[k:]
		}
		return true
	}}
}

// Repeat writes s n times, in writes of about 32 KiB, flushing after each,
// without holding the whole in memory: Repeat("x", 50<<20) sends a 50 MiB
// line.
func Repeat(s string, n int) Step {
	return Step{"Repeat", func(p *player) bool {
		per := max(1, (32<<10)/max(len(s), 1))
		piece := []byte(strings.Repeat(s, min(per, n)))
		for n > 0 {
			k := min(per, n)
			if !p.write(piece[:k*len(s)]) {
				return false
			}
			n -= k
		}
		return true
	}}
}

// Trickle writes s one byte at a time, pausing d before each byte.
func Trickle(s string, d time.Duration) Step {
	return Step{"Trickle", func(p *player) bool {
		for i := range len(s) {
			if !p.wait(d) || !p.write([]byte{s[i]}) {
				return false
			}
		}
		return true
	}}
}

// Flush sends the status and headers if they are not sent yet.
func Flush() Step {
	return Step{"Flush", func(p *player) bool { return p.write(nil) }}
}

// Sleep pauses the script for d, or until the client goes away.
func Sleep(d time.Duration) Step {
	return Step{"Sleep", func(p *player) bool { return p.wait(d) }}
}

// Stall keeps the connection open and silent until the client goes away or
// the server closes; the steps after it never run.
func Stall() Step {
	return Step{"Stall", func(p *player) bool { p.wait(-1); return false }}
}

// Drop closes the connection abruptly, as a network fault would: a chunked
// body is left without its final chunk, so the client's read fails with an
// unexpected EOF rather than a clean end. The steps after it never run.
func Drop() Step {
	return Step{"Drop", func(p *player) bool {
		p.write(nil)
		panic(http.ErrAbortHandler)
	}}
}

// Reset sends the status and headers if they are not sent yet, then resets
// the connection, as a crashed server or a middlebox would: the client's
// read fails with "connection reset by peer", not an unexpected EOF. Over
// HTTP/2, where a connection cannot be taken over, it resets the stream.
// The steps after it never run.
func Reset() Step {
	return Step{"Reset", func(p *player) bool {
		p.write(nil)
		conn, _, err := p.rc.Hijack()
		if err != nil {
			return false
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // close with RST rather than FIN
		}
		conn.Close()
		return false
	}}
}
