package anthropic

import (
	"encoding/base64"
	"encoding/json"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// messagesRequest is the body of POST /v1/messages.
type messagesRequest struct {
	Model       string    `json:"model"`
	MaxTokens   int       `json:"max_tokens"`
	System      string    `json:"system,omitempty"`
	Messages    []message `json:"messages"`
	Temperature *float64  `json:"temperature,omitempty"`
	Stream      bool      `json:"stream"`
}

// message is one message of the request. Content is a string, or, for a
// message with images, a list of content blocks.
type message struct {
	Role    provider.Role `json:"role"`
	Content any           `json:"content"`
}

// block is a text or image content block.
type block struct {
	Type   string       `json:"type"`
	Text   string       `json:"text,omitempty"`
	Source *imageSource `json:"source,omitempty"`
}

// imageSource is an image block's data, base64-encoded.
type imageSource struct {
	Type      string `json:"type"` // "base64"
	MediaType string `json:"media_type"`
	Data      string `json:"data"`
}

// newMessage converts m: attached text files join the text
// (provider.Message.Text), images go as image blocks before it.
func newMessage(m provider.Message) message {
	imgs := m.Images()
	if len(imgs) == 0 {
		return message{Role: m.Role, Content: m.Text()}
	}
	blocks := make([]block, 0, len(imgs)+1)
	for _, img := range imgs {
		blocks = append(blocks, block{Type: "image", Source: &imageSource{
			Type: "base64", MediaType: img.MediaType, Data: base64.StdEncoding.EncodeToString(img.Data)}})
	}
	if text := m.Text(); text != "" {
		blocks = append(blocks, block{Type: "text", Text: text})
	}
	return message{Role: m.Role, Content: blocks}
}

func newMessagesRequest(req provider.Request) messagesRequest {
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = DefaultMaxTokens
	}
	msgs := make([]message, 0, len(req.Messages))
	for _, m := range req.Messages {
		if m.Role == provider.RoleSystem || m.Empty() {
			// The system prompt is top-level here, and the API refuses
			// empty messages (an answer cancelled before its first token).
			continue
		}
		msgs = append(msgs, newMessage(m))
	}
	return messagesRequest{
		Model:       req.Model,
		MaxTokens:   maxTokens,
		System:      req.System,
		Messages:    msgs,
		Temperature: req.Temperature,
		Stream:      true,
	}
}

// event is the data of any server-sent event of a Messages stream; which
// fields are set depends on Type.
type event struct {
	Type    string `json:"type"`
	Message *struct {
		Usage usage `json:"usage"`
	} `json:"message"`
	ContentBlock *struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Thinking string `json:"thinking"`
		Name     string `json:"name"` // of a tool_use block
	} `json:"content_block"`
	Delta *struct {
		Type       string `json:"type"`
		Text       string `json:"text"`
		Thinking   string `json:"thinking"`
		StopReason string `json:"stop_reason"`
	} `json:"delta"`
	Usage *usage `json:"usage"`
	Error *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

type usage struct {
	InputTokens  *int `json:"input_tokens"`
	OutputTokens *int `json:"output_tokens"`
}

// decoder follows one Messages stream from message_start to message_stop
// (or to the stop_reason of message_delta, for a stream cut after it).
type decoder struct {
	name    string
	reason  string
	usage   provider.Usage
	stopped bool
	tools   []string // the tools the model asked to call
}

// Event handles one event for httpx.Backend.ReadEvents. The message_delta
// with the stop_reason comes after the last content block has ended: the
// answer is complete then, and message_stop is waited for only until the
// body ends or provider.FinishGrace has passed.
func (d *decoder) Event(ev stream.Event, s provider.Sink) (bool, error) {
	return d.handle(ev.Type, []byte(ev.Data), s)
}

// Reason returns the stop_reason, once one arrived.
func (d *decoder) Reason() string { return d.reason }

// handle processes one event. It reports done at message_stop; an error
// event, malformed data or a cancelled sink end the stream with an error.
func (d *decoder) handle(typ string, data []byte, s provider.Sink) (done bool, err error) {
	if typ == "ping" {
		return false, nil
	}
	var ev event
	if err := provider.DecodeFrame(d.name, typ+" event", data, s, &ev); err != nil {
		return false, err
	}
	if ev.Type == "" {
		ev.Type = typ
	}
	ok := true
	switch ev.Type {
	case "message_start":
		if ev.Message != nil {
			d.addUsage(ev.Message.Usage)
		}
	case "content_block_start":
		if b := ev.ContentBlock; b != nil {
			ok = s.Reasoning(b.Thinking) && s.Text(b.Text)
			if b.Type == "tool_use" {
				d.tools = append(d.tools, b.Name)
			}
		}
	case "content_block_delta":
		if dl := ev.Delta; dl != nil {
			switch dl.Type {
			case "text_delta":
				ok = s.Text(dl.Text)
			case "thinking_delta":
				ok = s.Reasoning(dl.Thinking)
			}
			// signature_delta, input_json_delta, citations_delta: not shown.
		}
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != "" {
			d.reason = ev.Delta.StopReason
		}
		if ev.Usage != nil {
			d.addUsage(*ev.Usage)
		}
	case "message_stop":
		d.stopped = true
		return true, nil
	case "error":
		var raw event // as sent, without markers
		json.Unmarshal(data, &raw)
		return false, d.apiError(raw, data)
	}
	// content_block_stop and event types added after this was written are
	// ignored, as the API's versioning policy asks.
	return false, provider.Stopped(ok)
}

// Finish ends a complete answer with its usage and, when it reached its
// token limit, a notice saying so.
func (d *decoder) Finish(s provider.Sink) (string, error) {
	if err := provider.EndAnswer(s, &d.usage, d.reason == "max_tokens"); err != nil {
		return "", err
	}
	if len(d.tools) > 0 || d.reason == "tool_use" {
		return "", provider.ToolCallError(d.name, d.tools)
	}
	return d.reason, nil
}

func (d *decoder) addUsage(u usage) {
	if u.InputTokens != nil {
		d.usage.InputTokens = *u.InputTokens
	}
	if u.OutputTokens != nil {
		d.usage.OutputTokens = *u.OutputTokens // cumulative, not a delta
	}
}

func (d *decoder) apiError(ev event, data []byte) error {
	e := &provider.APIError{Provider: d.name}
	if ev.Error != nil {
		e.Type, e.Message = ev.Error.Type, ev.Error.Message
	}
	if e.Type == "" && e.Message == "" {
		e.Message = provider.Snippet(data, 200)
	}
	switch e.Type {
	case "overloaded_error":
		e.Advice = "Anthropic is overloaded; try again shortly"
	default:
		e.Advice = provider.StreamAdvice(e.Type)
	}
	return e
}

// modelList is a page of GET /v1/models.
type modelList struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
	HasMore bool   `json:"has_more"`
	LastID  string `json:"last_id"`
}
