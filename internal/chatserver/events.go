package chatserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// script is an Answer encoded: its events, and which of them are the
// paced deltas.
type script struct {
	events [][]byte
	first  int // index of the first delta
	deltas int // how many deltas there are
	pause  time.Duration
}

// encode writes an answer as the Server-Sent Events of an OpenAI chat
// completion, one event a slice: the role, one event a delta, the
// finish_reason "stop", the usage and "[DONE]", as the answer asks.
func encode(a Answer, model string) *script {
	s := &script{events: make([][]byte, 0, len(a.Reasoning)+len(a.Tokens)+4), pause: a.Pause}
	add := func(delta map[string]string, finish *string) {
		s.events = append(s.events, event(map[string]any{
			"id": "chatcmpl-" + model, "object": "chat.completion.chunk", "created": 1764000000,
			"model": model, "system_fingerprint": "fp_" + model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		}))
	}
	if a.Role {
		add(map[string]string{"role": "assistant", "content": ""}, nil)
	}
	s.first = len(s.events)
	for _, t := range a.Reasoning {
		add(map[string]string{"reasoning_content": t}, nil)
	}
	for _, t := range a.Tokens {
		add(map[string]string{"content": t}, nil)
	}
	s.deltas = len(s.events) - s.first
	if a.Truncated {
		return s
	}
	stop := "stop"
	add(map[string]string{}, &stop)
	if u := a.Usage; u != nil {
		s.events = append(s.events, event(map[string]any{
			"id": "chatcmpl-" + model, "object": "chat.completion.chunk", "created": 1764000000,
			"model": model, "system_fingerprint": "fp_" + model, "choices": []any{},
			"usage": map[string]int{"prompt_tokens": u.Prompt, "completion_tokens": u.Completion, "total_tokens": u.Prompt + u.Completion},
		}))
	}
	s.events = append(s.events, []byte("data: [DONE]\n\n"))
	return s
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

// due is when event i is to be sent, from the start of the answer: delta
// k at k pauses, the events before the first delta and after the last
// with their neighbours.
func (s *script) due(i int) time.Duration {
	return time.Duration(max(0, min(i-s.first, s.deltas-1))) * s.pause
}

// serve streams the events, each flushed on its own, until they end, a
// write fails or the client goes away; onDelta, when not nil, is told of
// each delta just before it is written.
func (s *script) serve(w http.ResponseWriter, r *http.Request, onDelta func(int)) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	var timer *time.Timer
	start := time.Now()
	for i, ev := range s.events {
		if d := time.Until(start.Add(s.due(i))); s.pause > 0 && d > 0 {
			if timer == nil {
				timer = time.NewTimer(d)
				defer timer.Stop()
			} else {
				timer.Reset(d)
			}
			select {
			case <-timer.C:
			case <-r.Context().Done():
				return
			}
		}
		if k := i - s.first; onDelta != nil && k >= 0 && k < s.deltas {
			onDelta(k)
		}
		if _, err := w.Write(ev); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
