package sse

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/provider"
)

// chatRequest is the body POSTed to the endpoint.
type chatRequest struct {
	Model    string             `json:"model"`
	Messages []provider.Message `json:"messages"`
}

// newChatRequest builds the body: attached text files join each message's
// content (provider.Message.Text); images are refused, as an endpoint of
// this kind has no agreed form for them.
func newChatRequest(name string, req provider.Request) (chatRequest, error) {
	if err := provider.RefuseImages(name, req); err != nil {
		return chatRequest{}, err
	}
	chat := req.Chat()
	msgs := make([]provider.Message, 0, len(chat))
	for _, m := range chat {
		msgs = append(msgs, provider.Message{Role: m.Role, Content: m.Text()})
	}
	return chatRequest{Model: req.Model, Messages: msgs}, nil
}

// decoder reads the events of one answer.
type decoder struct {
	name string
	// jsonText says how text events carry their text, once the first one
	// with data has shown it: each as a JSON string literal (true), as
	// servers that JSON-encode every event send it (better-sse's default
	// serializer, json.dumps in Python), or as the text itself (false).
	jsonText, known bool
	// unread counts the events with data of a type not read, and other
	// names the first such type: what an answer with no text says of them.
	unread int
	other  string
}

// unreadHint says, for an answer that brought no text, which events of
// other types with data the server sent instead, if any: better-sse's
// session.stream, say, names its events "stream".
func (d *decoder) unreadHint() string {
	if d.unread == 0 {
		return ""
	}
	return fmt.Sprintf(" (it sent %d events of type %q, which are not text: text events have no event field, or event: message)", d.unread, d.other)
}

// handle processes one event of the given type. It reports done at a
// "done" event; an "error" event or a malformed progress event ends the
// stream with an error. Unknown types are ignored, and counted.
func (d *decoder) handle(typ, data string, s provider.Sink) (done bool, err error) {
	ok := true
	switch typ {
	case "message":
		ok = s.Text(d.text(data))
	case "reasoning", "thinking":
		ok = s.Reasoning(d.text(data))
	case "progress":
		pct, label, err := parseProgress(data)
		if err != nil {
			return false, provider.Malformed(d.name, "progress event", s, err, []byte(data))
		}
		ok = s.Progress(pct, label)
	case "usage":
		var u provider.Usage
		if json.Unmarshal([]byte(data), &u) == nil {
			ok = s.Usage(u)
		}
	case "done":
		return true, nil
	case "error":
		if msg, ok := jsonString(data); ok {
			data = msg
		}
		return false, eventError(d.name, data)
	default:
		if data != "" {
			d.unread++
			d.other = cmp.Or(d.other, typ)
		}
	}
	if !ok {
		return false, provider.ErrStopped
	}
	return false, nil
}

// text returns the text of a text event. The first one with data decides
// for the whole answer whether they are JSON string literals, so that a
// server sending plain text whose delta happens to be a literal ("" in
// code, say) keeps its quotes.
func (d *decoder) text(data string) string {
	if data == "" {
		return ""
	}
	s, ok := jsonString(data)
	if !d.known {
		d.jsonText, d.known = ok, true
	}
	if d.jsonText && ok {
		return s
	}
	return data
}

// jsonString decodes data when it is a JSON string literal, keeping the
// lone halves of a surrogate pair split across two events (as JavaScript
// servers cut strings) for the Emitter to join.
func jsonString(data string) (string, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(provider.KeepSurrogates([]byte(data)), &s) != nil {
		return "", false
	}
	return s, true
}

// parseProgress reads {"percent": 42, "label": "..."} or a bare number.
// A percent outside 0-100 is clamped; a missing one is -1 (unknown).
func parseProgress(data string) (float64, string, error) {
	data = strings.TrimSpace(data)
	if n, err := strconv.ParseFloat(strings.TrimSuffix(data, "%"), 64); err == nil {
		return clamp(n), "", nil
	}
	var p struct {
		Percent *float64 `json:"percent"`
		Label   string   `json:"label"`
	}
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return 0, "", errors.New("want a number or {\"percent\", \"label\"}")
	}
	if p.Percent == nil {
		return -1, p.Label, nil
	}
	return clamp(*p.Percent), p.Label, nil
}

func clamp(n float64) float64 {
	switch {
	case n != n: // NaN
		return -1
	case n < 0:
		return 0
	case n > 100:
		return 100
	}
	return n
}

// eventError turns an error event's data, plain text or a JSON error
// object, into an *APIError.
func eventError(name, data string) error {
	typ, msg := provider.ErrorMessage([]byte(data))
	if msg == "" && typ == "" {
		msg = provider.Snippet([]byte(data), 300)
	}
	if msg == "" {
		msg = "the server reported an error"
	}
	return &provider.APIError{Provider: name, Type: typ, Message: msg, Advice: provider.StreamAdvice(typ)}
}
