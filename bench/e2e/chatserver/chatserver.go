// Package chatserver is a scripted OpenAI-compatible Chat Completions
// server for benchmarks: on 127.0.0.1 it streams an answer of N tokens of
// realistic markdown (see Tokens) as Server-Sent Events, at a fixed rate or
// as fast as it can, and ends it as OpenAI does: a finish_reason, a usage
// event and "data: [DONE]".
//
// The events are encoded once when the server starts, so that streaming
// costs the server no more than writing bytes to a socket: the server is
// never what a benchmark measures.
package chatserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Options configure a server.
type Options struct {
	// Tokens is the answer's length in tokens (at least MinTokens).
	Tokens int
	// Rate is how many tokens a second the server sends; 0 sends them as
	// fast as the connection takes them.
	Rate float64
	// Model is the model name in the events; "bench" when empty.
	Model string
}

// Server is a running scripted server.
type Server struct {
	// URL is the API root to give a client, ending in "/v1":
	// "/chat/completions" and "/models" are below it.
	URL string

	opts     Options
	events   [][]byte
	requests atomic.Int64
	srv      *http.Server
	done     chan struct{}
}

// Start starts a server on a free port of 127.0.0.1.
func Start(opts Options) (*Server, error) {
	if opts.Model == "" {
		opts.Model = "bench"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("chatserver: %w", err)
	}
	s := &Server{
		URL:    "http://" + ln.Addr().String() + "/v1",
		opts:   opts,
		events: Events(Tokens(opts.Tokens), opts.Model),
		done:   make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.complete)
	mux.HandleFunc("GET /v1/models", s.models)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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

// Requests reports how many chat completions the server has been asked
// for.
func (s *Server) Requests() int64 { return s.requests.Load() }

// RequestBody is a chat completion request for the server's model, as a
// client would send it (for curl).
func (s *Server) RequestBody(prompt string) []byte {
	b, _ := json.Marshal(map[string]any{
		"model":          s.opts.Model,
		"messages":       []map[string]string{{"role": "user", "content": prompt}},
		"stream":         true,
		"stream_options": map[string]bool{"include_usage": true},
	})
	return b
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	var req struct {
		Stream bool `json:"stream"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 32<<20)).Decode(&req); err != nil || !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"message":"chatserver: only streamed requests are scripted","type":"invalid_request_error"}}`)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	start := time.Now()
	for i, ev := range s.events {
		if s.opts.Rate > 0 {
			// Token i is due at start + i/Rate; the events before the
			// first token and after the last go with their neighbours.
			due := start.Add(time.Duration(float64(max(0, min(i-1, s.opts.Tokens-1))) / s.opts.Rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-time.After(d):
				case <-r.Context().Done():
					return
				}
			}
		}
		if _, err := w.Write(ev); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func (s *Server) models(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"object":"list","data":[{"id":%q,"object":"model","owned_by":"chatserver"}]}`, s.opts.Model)
}

// Events encodes an answer made of tokens as the Server-Sent Events of an
// OpenAI chat completion, one event a slice: the assistant role, one event
// a token, the finish_reason "stop", the usage, and "[DONE]".
func Events(tokens []string, model string) [][]byte {
	evs := make([][]byte, 0, len(tokens)+4)
	add := func(delta map[string]string, finish *string) {
		evs = append(evs, event(map[string]any{
			"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1764000000,
			"model": model, "system_fingerprint": "fp_bench",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		}))
	}
	add(map[string]string{"role": "assistant", "content": ""}, nil)
	for _, t := range tokens {
		add(map[string]string{"content": t}, nil)
	}
	stop := "stop"
	add(map[string]string{}, &stop)
	evs = append(evs, event(map[string]any{
		"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1764000000,
		"model": model, "system_fingerprint": "fp_bench", "choices": []any{},
		"usage": map[string]int{"prompt_tokens": 12, "completion_tokens": len(tokens), "total_tokens": 12 + len(tokens)},
	}))
	return append(evs, []byte("data: [DONE]\n\n"))
}

// event is one "data:" event carrying v as JSON.
func event(v any) []byte {
	var b bytes.Buffer
	b.WriteString("data: ")
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only maps of strings and numbers are encoded
	}
	b.WriteString("\n") // Encode ended the line; an empty line ends the event
	return b.Bytes()
}
