package langchain

import (
	"reflect"

	"github.com/tmc/langchaingo/llms"

	"github.com/parley-chat/parley/provider"
)

// messages converts a request to langchaingo's messages: the system prompt
// first, then the history, text only.
func messages(req provider.Request) []llms.MessageContent {
	chat := req.Chat()
	msgs := make([]llms.MessageContent, 0, len(chat))
	for _, m := range chat {
		role := llms.ChatMessageTypeHuman
		switch m.Role {
		case provider.RoleAssistant:
			role = llms.ChatMessageTypeAI
		case provider.RoleSystem:
			role = llms.ChatMessageTypeSystem
		}
		msgs = append(msgs, llms.TextParts(role, m.Content))
	}
	return msgs
}

// callOptions sets the model and sampling parameters, and never any tools.
func callOptions(req provider.Request) []llms.CallOption {
	opts := []llms.CallOption{llms.WithModel(req.Model)}
	if req.Temperature != nil {
		opts = append(opts, llms.WithTemperature(*req.Temperature))
	}
	if req.MaxTokens > 0 {
		opts = append(opts, llms.WithMaxTokens(req.MaxTokens))
	}
	return opts
}

// usage reads token counts from a choice's GenerationInfo, where each
// backend puts them its own way: "input_tokens"/"output_tokens" ints
// (Bedrock, Anthropic), or a "usage" struct with PromptTokens and
// CompletionTokens fields (Mistral's SDK).
func usage(info map[string]any) (provider.Usage, bool) {
	var u provider.Usage
	in, okIn := info["input_tokens"].(int)
	out, okOut := info["output_tokens"].(int)
	if okIn || okOut {
		u.InputTokens, u.OutputTokens = in, out
		return u, true
	}
	v := reflect.ValueOf(info["usage"])
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return u, false
	}
	p, c := v.FieldByName("PromptTokens"), v.FieldByName("CompletionTokens")
	if !p.IsValid() || !c.IsValid() || !p.CanInt() || !c.CanInt() {
		return u, false
	}
	u.InputTokens, u.OutputTokens = int(p.Int()), int(c.Int())
	return u, u.InputTokens > 0 || u.OutputTokens > 0
}
