package openai

import (
	"encoding/base64"
	"encoding/json"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// chatRequest is the body of POST /chat/completions.
type chatRequest struct {
	Model         string         `json:"model"`
	Messages      []message      `json:"messages"`
	Stream        bool           `json:"stream"`
	StreamOptions *streamOptions `json:"stream_options,omitempty"`
	Temperature   *float64       `json:"temperature,omitempty"`
	MaxTokens     int            `json:"max_tokens,omitempty"`
	// MaxCompletionTokens replaces MaxTokens for the models that want it.
	MaxCompletionTokens int `json:"max_completion_tokens,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// message is one message of the request. Content is a string, or, for a
// message with images, a list of content parts.
type message struct {
	Role    provider.Role `json:"role"`
	Content any           `json:"content"`
}

// contentPart is a text or image_url part of a message's content.
type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL string `json:"url"`
}

// messages converts the conversation: attached text files join the text
// (provider.Message.Text), and images go as image_url parts with a data:
// URL, before the text.
func messages(req provider.Request) []message {
	chat := req.Chat()
	out := make([]message, 0, len(chat))
	for _, m := range chat {
		imgs := m.Images()
		if len(imgs) == 0 {
			out = append(out, message{Role: m.Role, Content: m.Text()})
			continue
		}
		parts := make([]contentPart, 0, len(imgs)+1)
		for _, img := range imgs {
			url := "data:" + img.MediaType + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
			parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: url}})
		}
		if text := m.Text(); text != "" {
			parts = append(parts, contentPart{Type: "text", Text: text})
		}
		out = append(out, message{Role: m.Role, Content: parts})
	}
	return out
}

func newChatRequest(ep provider.Endpoint, req provider.Request) chatRequest {
	r := chatRequest{
		Model:         req.Model,
		Messages:      messages(req),
		Stream:        true,
		StreamOptions: &streamOptions{IncludeUsage: true},
		Temperature:   req.Temperature,
	}
	setLimit(&r, ep, req)
	return r
}

// chunk is one "data:" payload of the streamed answer.
type chunk struct {
	Choices []choice `json:"choices"`
	Usage   *usage   `json:"usage"`
	// XGroq carries Groq's usage on its last chunk.
	XGroq *struct {
		Usage *usage `json:"usage"`
	} `json:"x_groq"`
	Error json.RawMessage `json:"error"`
}

type choice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

// delta is what a chunk adds to the answer; a whole completion's message
// has the same fields.
type delta struct {
	Content          string     `json:"content"`
	ReasoningContent string     `json:"reasoning_content"`
	Reasoning        string     `json:"reasoning"`
	ToolCalls        []toolCall `json:"tool_calls"`
}

// toolCall is a call of a tool the model asks for; a stream names the
// function in the first chunk of each call only.
type toolCall struct {
	Function struct {
		Name string `json:"name"`
	} `json:"function"`
}

// completion is a whole chat completion, not streamed: what a server that
// ignores "stream": true answers, in one JSON document.
type completion struct {
	Choices []struct {
		Index        int     `json:"index"`
		Message      delta   `json:"message"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

type usage struct {
	PromptTokens            int `json:"prompt_tokens"`
	CompletionTokens        int `json:"completion_tokens"`
	CompletionTokensDetails *struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

func (u *usage) usage() provider.Usage {
	pu := provider.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens}
	if d := u.CompletionTokensDetails; d != nil {
		pu.ReasoningTokens = d.ReasoningTokens
	}
	return pu
}

// decoder follows one streamed chat completion.
type decoder struct {
	name   string
	reason string // the finish_reason, once one arrived
	// usageAfter is set when usage arrived in a chunk after the one with
	// the finish_reason: nothing more is to come.
	usageAfter bool
	usage      *provider.Usage
	think      thinkSplitter
	tools      []string // the tools the model asked to call
	toolCalls  bool
}

// handle processes the data of one event; it reports done at [DONE].
func (d *decoder) handle(data []byte, s provider.Sink) (done bool, err error) {
	if string(data) == "[DONE]" || string(data) == `"[DONE]"` {
		// The second as a server writes it whose SSE library JSON-encodes
		// every event's data (better-sse's default serializer).
		return true, nil
	}
	var ch chunk
	if marked := provider.KeepSurrogates(data); !parseFast(marked, &ch) {
		ch = chunk{}
		if err := json.Unmarshal(marked, &ch); err != nil {
			return false, provider.Malformed(d.name, "chunk", s, err, data)
		}
	}
	return false, d.apply(&ch, data, s)
}

// whole processes a whole completion, data, as the one chunk of an
// answer.
func (d *decoder) whole(data []byte, s provider.Sink) error {
	var c completion
	if err := json.Unmarshal(data, &c); err != nil {
		return provider.Malformed(d.name, "completion", s, err, data)
	}
	ch := chunk{Usage: c.Usage, Error: c.Error}
	for _, cc := range c.Choices {
		ch.Choices = append(ch.Choices, choice{Index: cc.Index, Delta: cc.Message, FinishReason: cc.FinishReason})
	}
	return d.apply(&ch, data, s)
}

// apply takes in ch, parsed from data.
func (d *decoder) apply(ch *chunk, data []byte, s provider.Sink) error {
	finished := d.reason != ""
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		var raw struct{ Error json.RawMessage } // as sent, without markers
		json.Unmarshal(data, &raw)
		typ, msg := provider.ErrorMessage([]byte(`{"error":` + string(raw.Error) + `}`))
		if msg == "" {
			msg = provider.Snippet(raw.Error, 200)
		}
		return &provider.APIError{Provider: d.name, Type: typ, Message: msg, Advice: provider.StreamAdvice(typ)}
	}
	for _, c := range ch.Choices {
		if c.Index != 0 {
			continue // one answer is asked for
		}
		dl := c.Delta
		if !s.Reasoning(dl.ReasoningContent) || !s.Reasoning(dl.Reasoning) || !d.think.feed(dl.Content, s) {
			return provider.ErrStopped
		}
		for _, tc := range dl.ToolCalls {
			d.toolCalls = true
			if n := tc.Function.Name; n != "" {
				d.tools = append(d.tools, n)
			}
		}
		if c.FinishReason != nil && *c.FinishReason != "" {
			d.reason = *c.FinishReason
		}
	}
	if ch.Usage != nil {
		u := ch.Usage.usage()
		d.usage, d.usageAfter = &u, finished
	} else if ch.XGroq != nil && ch.XGroq.Usage != nil {
		u := ch.XGroq.Usage.usage()
		d.usage, d.usageAfter = &u, finished
	}
	return nil
}

// Event handles one event for httpx.Backend.ReadEvents. The answer ends at
// [DONE] or at the end of the body; once the finish_reason has arrived it
// is read on only until the usage chunk that may follow it.
func (d *decoder) Event(ev stream.Event, s provider.Sink) (bool, error) {
	done, err := d.handle([]byte(ev.Data), s)
	return done || d.usageAfter, err
}

// Reason returns the finish_reason, once one arrived.
func (d *decoder) Reason() string { return d.reason }

// Flush hands over what the think splitter holds back.
func (d *decoder) Flush(s provider.Sink) bool { return d.think.flush(s) }

// Finish ends a complete answer: what the think splitter holds back, the
// usage, and the stop reason.
func (d *decoder) Finish(s provider.Sink) (string, error) {
	if !d.think.flush(s) {
		return "", provider.ErrStopped
	}
	if err := provider.EndAnswer(s, d.usage, d.reason == "length"); err != nil {
		return "", err
	}
	if d.toolCalls || d.reason == "tool_calls" {
		// Whatever the finish_reason says: openai-mock-api says "stop".
		return "", provider.ToolCallError(d.name, d.tools)
	}
	switch d.reason {
	case "":
		return "stop", nil // [DONE] without a finish_reason
	case "content_filter":
		return "", &provider.APIError{Provider: d.name, Type: d.reason,
			Message: "the provider's content filter stopped the answer"}
	}
	return d.reason, nil
}

// modelList is the body of GET /models.
type modelList struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
}
