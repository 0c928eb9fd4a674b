package ollama

import (
	"encoding/base64"
	"encoding/json"

	"github.com/parley-chat/parley/provider"
)

// chatRequest is the body of POST /api/chat.
type chatRequest struct {
	Model    string    `json:"model"`
	Messages []message `json:"messages"`
	Stream   bool      `json:"stream"`
	Options  *options  `json:"options,omitempty"`
}

// message is one message of the request: attached text files join the
// content (provider.Message.Text), images go base64-encoded in Images.
type message struct {
	Role    provider.Role `json:"role"`
	Content string        `json:"content"`
	Images  []string      `json:"images,omitempty"`
}

type options struct {
	Temperature *float64 `json:"temperature,omitempty"`
	NumPredict  int      `json:"num_predict,omitempty"`
}

// nest puts -o options under "options", where Ollama takes the model's
// parameters (num_ctx, top_p, seed...), except the fields of the request
// itself.
var nest = provider.Nest{Under: "options", Top: []string{"format", "keep_alive", "think", "tools"}}

func newChatRequest(req provider.Request) chatRequest {
	chat := req.Chat()
	msgs := make([]message, 0, len(chat))
	for _, m := range chat {
		msg := message{Role: m.Role, Content: m.Text()}
		for _, img := range m.Images() {
			msg.Images = append(msg.Images, base64.StdEncoding.EncodeToString(img.Data))
		}
		msgs = append(msgs, msg)
	}
	r := chatRequest{Model: req.Model, Messages: msgs, Stream: true}
	if req.Temperature != nil || req.MaxTokens > 0 {
		r.Options = &options{Temperature: req.Temperature, NumPredict: req.MaxTokens}
	}
	return r
}

// chatLine is one line of the /api/chat stream.
type chatLine struct {
	Message *struct {
		Content   string `json:"content"`
		Thinking  string `json:"thinking"`
		ToolCalls []struct {
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		} `json:"tool_calls"`
	} `json:"message"`
	Done            bool            `json:"done"`
	DoneReason      string          `json:"done_reason"`
	PromptEvalCount int             `json:"prompt_eval_count"`
	EvalCount       int             `json:"eval_count"`
	Error           json.RawMessage `json:"error"`
}

// decoder follows one /api/chat answer to its "done" line.
type decoder struct {
	name   string
	model  string
	done   bool
	reason string
	usage  provider.Usage
	tools  []string // the tools the model asked to call
	called bool
}

// handle processes one line. An {"error": ...} line ends the stream with
// that error.
func (d *decoder) handle(line []byte, s provider.Sink) error {
	var l chatLine
	if err := provider.DecodeFrame(d.name, "line", line, s, &l); err != nil {
		return err
	}
	if len(l.Error) > 0 && string(l.Error) != "null" {
		_, msg := provider.ErrorMessage(line)
		return &provider.APIError{Provider: d.name, Message: msg, Advice: adviceFor(msg, d.model)}
	}
	if m := l.Message; m != nil {
		if !s.Reasoning(m.Thinking) || !s.Text(m.Content) {
			return provider.ErrStopped
		}
		for _, tc := range m.ToolCalls {
			d.called = true
			if tc.Function.Name != "" {
				d.tools = append(d.tools, tc.Function.Name)
			}
		}
	}
	if l.Done {
		d.done, d.reason = true, l.DoneReason
		if d.reason == "" {
			d.reason = "stop"
		}
		d.usage = provider.Usage{InputTokens: l.PromptEvalCount, OutputTokens: l.EvalCount}
	}
	return nil
}

// tagList is the body of GET /api/tags.
type tagList struct {
	Models []struct {
		Name  string `json:"name"`
		Model string `json:"model"`
	} `json:"models"`
}
