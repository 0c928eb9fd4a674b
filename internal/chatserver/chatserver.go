// Package chatserver is a scripted OpenAI-compatible Chat Completions
// server on 127.0.0.1: it streams an Answer as Server-Sent Events, ended
// as OpenAI ends a stream (a finish_reason, a usage event, "data: [DONE]"),
// and records what it was asked. The offline demo provider streams from
// it, and so do the root package's tests, the end-to-end terminal test
// (internal/testserver) and the benchmarks (bench/e2e).
//
// An answer is encoded into events before it is streamed, so that
// streaming costs no more than writing bytes to a socket: a fixed
// Options.Answer is encoded once, when the Handler is made, and the
// server is never what a benchmark measures.
//
// For byte streams that are not OpenAI's (split writes, drops, stalls,
// statuses), see stream/streamtest.
package chatserver

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Answer is the script of one streamed answer.
type Answer struct {
	// Role opens the stream with an event of its own that carries the
	// assistant role and no text, as OpenAI does.
	Role bool
	// Reasoning is streamed first, one reasoning_content delta a token.
	Reasoning []string
	// Tokens are the answer's text, one content delta a token.
	Tokens []string
	// Usage, when not nil, is sent in an event of its own after the
	// finish_reason.
	Usage *Usage
	// Truncated ends the stream after the last token, with no
	// finish_reason, no usage and no [DONE], as a connection lost mid-answer.
	Truncated bool
	// Pause is the time from one delta (reasoning or text) to the next;
	// 0 sends them as fast as the connection takes them. The deltas keep
	// to a schedule from the start of the answer, so the pace does not
	// drift; the role event goes with the first delta, and the events
	// that end the stream go with the last.
	Pause time.Duration
}

// Usage is the token count of an answer's usage event.
type Usage struct {
	Prompt, Completion int
}

// Options configure a Handler or a Server.
type Options struct {
	// Answer answers every request; it is encoded once.
	Answer Answer
	// AnswerFor, when not nil, is asked for the answer to each request
	// instead, and that answer is encoded for the request. It may be
	// called from several goroutines at once.
	AnswerFor func(Request) Answer
	// Model is the model named in the events and by GET /models;
	// "scripted" when empty.
	Model string
	// Key, when not empty, is the API key a request must carry as
	// "Authorization: Bearer KEY"; a request without it is answered
	// with OpenAI's 401.
	Key string
	// Addr is where Start listens, a loopback address; "127.0.0.1:0",
	// a free port, when empty.
	Addr string
	// OnDelta, when not nil, is called just before delta i of an answer
	// (its reasoning, then its text, counted from 0) is written: for a
	// client that watches for a token from when it is sent (bench/e2e's
	// paced cases). It may be called from several goroutines at once.
	OnDelta func(i int)
}

// Request is a chat completion request that the server received.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Stream   bool      `json:"stream"`
}

// Message is one message of a Request.
type Message struct {
	Role string `json:"role"`
	// Content is the message's text: the string, or the text parts of
	// an array of content parts joined.
	Content string `json:"content"`
}

// UnmarshalJSON reads a message whose content is a string or an array of
// content parts (text, images).
func (m *Message) UnmarshalJSON(b []byte) error {
	var raw struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Message{Role: raw.Role}
	if len(raw.Content) == 0 || json.Unmarshal(raw.Content, &m.Content) == nil {
		return nil
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw.Content, &parts); err != nil {
		return err
	}
	for _, p := range parts {
		m.Content += p.Text
	}
	return nil
}

// Prompt returns the content of the request's last message: the prompt
// of a chat.
func (r Request) Prompt() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[len(r.Messages)-1].Content
}

// Handler serves POST .../chat/completions and GET .../models below any
// root, so that it answers a client given its URL with or without "/v1".
type Handler struct {
	opts   Options
	script *script // Options.Answer, encoded

	mu   sync.Mutex
	reqs []Request
}

// NewHandler returns a Handler that answers as opts say.
func NewHandler(opts Options) *Handler {
	opts.Model = cmp.Or(opts.Model, "scripted")
	return &Handler{opts: opts, script: encode(opts.Answer, opts.Model)}
}

// Requests returns the chat completion requests received so far, in
// order of arrival, those refused for their key included.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Request(nil), h.reqs...)
}

// RequestBody is a streamed chat completion request for the server's
// model, as a client would send it (for curl).
func (h *Handler) RequestBody(prompt string) []byte {
	b, _ := json.Marshal(map[string]any{
		"model":          h.opts.Model,
		"messages":       []map[string]string{{"role": "user", "content": prompt}},
		"stream":         true,
		"stream_options": map[string]bool{"include_usage": true},
	})
	return b
}

// ServeHTTP answers a chat completion with the script, and GET .../models
// with the one model.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/chat/completions"):
		h.complete(w, r)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/models"):
		if h.authorized(w, r) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"object":"list","data":[{"id":%q,"object":"model","owned_by":"chatserver"}]}`, h.opts.Model)
		}
	default:
		fail(w, http.StatusNotFound, "chatserver: no such endpoint: "+r.URL.Path)
	}
}

func (h *Handler) complete(w http.ResponseWriter, r *http.Request) {
	var req Request
	if err := json.NewDecoder(io.LimitReader(r.Body, 32<<20)).Decode(&req); err != nil || !req.Stream {
		fail(w, http.StatusBadRequest, "chatserver: only streamed requests are scripted")
		return
	}
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	if !h.authorized(w, r) {
		return
	}
	s := h.script
	if h.opts.AnswerFor != nil {
		s = encode(h.opts.AnswerFor(req), h.opts.Model)
	}
	s.serve(w, r, h.opts.OnDelta)
}

// authorized reports whether r carries the key, and answers it with a 401
// when it does not.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	if h.opts.Key == "" || r.Header.Get("Authorization") == "Bearer "+h.opts.Key {
		return true
	}
	fail(w, http.StatusUnauthorized, "Incorrect API key provided.")
	return false
}

// fail answers with an error as OpenAI words it.
func fail(w http.ResponseWriter, code int, message string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"message": message, "type": "invalid_request_error"}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b) //nolint:errcheck // the client may be gone
}

// Server is a running Handler.
type Server struct {
	*Handler
	// URL is the API root to give a client, ending in "/v1":
	// "/chat/completions" and "/models" are below it.
	URL string

	srv  *http.Server
	done chan struct{}
}

// Start starts a server on opts.Addr, a loopback address.
func Start(opts Options) (*Server, error) {
	addr := cmp.Or(opts.Addr, "127.0.0.1:0")
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		return nil, fmt.Errorf("chatserver: %q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("chatserver: %w", err)
	}
	s := &Server{
		Handler: NewHandler(opts),
		URL:     "http://" + ln.Addr().String() + "/v1",
		done:    make(chan struct{}),
	}
	s.srv = &http.Server{Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln) //nolint:errcheck // always ErrServerClosed after Close
	}()
	return s, nil
}

// Close stops the server and the answers it is streaming.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}
