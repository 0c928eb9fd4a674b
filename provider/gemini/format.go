package gemini

import (
	"encoding/base64"
	"encoding/json"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// generateRequest is the body of POST models/{model}:streamGenerateContent.
type generateRequest struct {
	Contents          []content         `json:"contents"`
	SystemInstruction *content          `json:"systemInstruction,omitempty"`
	GenerationConfig  *generationConfig `json:"generationConfig,omitempty"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

// part is a text part or, in a request, an image in InlineData.
type part struct {
	Text       string      `json:"text,omitempty"`
	Thought    bool        `json:"thought,omitempty"`
	InlineData *inlineData `json:"inlineData,omitempty"`
}

// inlineData is an image sent with the request, base64-encoded.
type inlineData struct {
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
}

// parts converts m: images as inlineData parts, then the text, to which
// attached text files join (provider.Message.Text).
func parts(m provider.Message) []part {
	imgs := m.Images()
	ps := make([]part, 0, len(imgs)+1)
	for _, img := range imgs {
		ps = append(ps, part{InlineData: &inlineData{MimeType: img.MediaType, Data: base64.StdEncoding.EncodeToString(img.Data)}})
	}
	if text := m.Text(); text != "" {
		ps = append(ps, part{Text: text})
	}
	return ps
}

type generationConfig struct {
	Temperature     *float64        `json:"temperature,omitempty"`
	MaxOutputTokens int             `json:"maxOutputTokens,omitempty"`
	ThinkingConfig  *thinkingConfig `json:"thinkingConfig,omitempty"`
}

// thinkingConfig asks a thinking model for its thoughts as parts with
// "thought": true.
type thinkingConfig struct {
	IncludeThoughts bool `json:"includeThoughts"`
}

// nest puts -o options in generationConfig (topP, topK, seed...), except
// the fields of the request itself.
var nest = provider.Nest{Under: "generationConfig", Top: []string{"safetySettings", "tools", "toolConfig", "cachedContent"}}

func newGenerateRequest(req provider.Request) generateRequest {
	g := generateRequest{Contents: make([]content, 0, len(req.Messages))}
	for _, m := range req.Messages {
		role := "user"
		switch m.Role {
		case provider.RoleAssistant:
			role = "model"
		case provider.RoleSystem:
			continue // see SystemInstruction
		}
		if m.Empty() {
			continue // the API refuses empty parts (a cancelled answer)
		}
		g.Contents = append(g.Contents, content{Role: role, Parts: parts(m)})
	}
	if req.System != "" {
		g.SystemInstruction = &content{Parts: []part{{Text: req.System}}}
	}
	g.GenerationConfig = &generationConfig{Temperature: req.Temperature, MaxOutputTokens: req.MaxTokens,
		ThinkingConfig: &thinkingConfig{IncludeThoughts: true}}
	return g
}

// response is one GenerateContentResponse of the stream.
type response struct {
	Candidates []struct {
		Content      *content `json:"content"`
		FinishReason string   `json:"finishReason"`
		Index        int      `json:"index"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	UsageMetadata *struct {
		PromptTokenCount     int `json:"promptTokenCount"`
		CandidatesTokenCount int `json:"candidatesTokenCount"`
		ThoughtsTokenCount   int `json:"thoughtsTokenCount"`
	} `json:"usageMetadata"`
	Error json.RawMessage `json:"error"`
}

// decoder follows one streamGenerateContent answer.
type decoder struct {
	name   string
	reason string // the finishReason, once one arrived
	usage  *provider.Usage
	// usageAfter is set when usage arrived in an event after the one with
	// the finishReason: nothing more is to come.
	usageAfter bool
}

// handle processes the data of one event. It returns an error for an
// error object, a blocked prompt or answer, or malformed data.
func (d *decoder) handle(data []byte, s provider.Sink) error {
	finished := d.reason != ""
	var r response
	if err := provider.DecodeFrame(d.name, "chunk", data, s, &r); err != nil {
		return err
	}
	if len(r.Error) > 0 && string(r.Error) != "null" {
		typ, msg := provider.ErrorMessage(data)
		return &provider.APIError{Provider: d.name, Type: typ, Message: msg, Advice: provider.StreamAdvice(typ)}
	}
	if f := r.PromptFeedback; f != nil && f.BlockReason != "" {
		return &provider.APIError{Provider: d.name, Type: f.BlockReason,
			Message: "the prompt was blocked (" + f.BlockReason + ")", Advice: "rephrase the prompt"}
	}
	for _, c := range r.Candidates {
		if c.Index != 0 {
			continue // only one candidate is asked for
		}
		if c.Content != nil {
			for _, p := range c.Content.Parts {
				ok := true
				if p.Thought {
					ok = s.Reasoning(p.Text)
				} else {
					ok = s.Text(p.Text)
				}
				if !ok {
					return provider.ErrStopped
				}
			}
		}
		if c.FinishReason != "" {
			d.reason = c.FinishReason
		}
	}
	if u := r.UsageMetadata; u != nil {
		d.usage = &provider.Usage{
			InputTokens:     u.PromptTokenCount,
			OutputTokens:    u.CandidatesTokenCount + u.ThoughtsTokenCount,
			ReasoningTokens: u.ThoughtsTokenCount,
		}
		d.usageAfter = finished
	}
	return nil
}

// Event handles one event for httpx.Backend.ReadEvents. The stream has no
// end marker of its own: the answer is complete once a finishReason
// arrived, and then the body ended, or usage came in a later event, or
// provider.FinishGrace passed.
func (d *decoder) Event(ev stream.Event, s provider.Sink) (bool, error) {
	err := d.handle([]byte(ev.Data), s)
	return d.usageAfter, err
}

// Reason returns the finishReason, once one arrived.
func (d *decoder) Reason() string { return d.reason }

// Finish ends a complete answer with its usage, unless its finishReason
// says something other than its token limit cut it short.
func (d *decoder) Finish(s provider.Sink) (string, error) {
	if err := provider.EndAnswer(s, d.usage, d.reason == "MAX_TOKENS"); err != nil {
		return "", err
	}
	if err := d.finishError(); err != nil {
		return "", err
	}
	return d.reason, nil
}

// finishError reports a finish reason that means the answer was cut short
// by something other than its token limit: SAFETY, RECITATION, BLOCKLIST,
// PROHIBITED_CONTENT, SPII, OTHER...
func (d *decoder) finishError() error {
	switch d.reason {
	case "STOP", "MAX_TOKENS":
		return nil
	}
	return &provider.APIError{Provider: d.name, Type: d.reason,
		Message: "the model stopped the answer (" + d.reason + ")"}
}

// modelList is a page of GET /v1beta/models.
type modelList struct {
	Models []struct {
		Name                       string   `json:"name"`
		SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
	} `json:"models"`
	NextPageToken string `json:"nextPageToken"`
}
