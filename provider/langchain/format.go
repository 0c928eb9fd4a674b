package langchain

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/tmc/langchaingo/llms"

	"github.com/parley-chat/parley/provider"
)

// messages converts a request to langchaingo's messages: the system prompt
// first, then the history. Attached text files join the text
// (provider.Message.Text); images go as binary parts before it where the
// backend passes them on (takesImages), and are refused elsewhere.
func messages(ep provider.Endpoint, req provider.Request) ([]llms.MessageContent, error) {
	if !takesImages(ep, req.Model) {
		if err := provider.RefuseImages(fmt.Sprintf("%s (model %s)", ep.Name, req.Model), req); err != nil {
			return nil, err
		}
	}
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
		mc := llms.MessageContent{Role: role}
		for _, img := range m.Images() {
			mc.Parts = append(mc.Parts, llms.BinaryPart(img.MediaType, img.Data))
		}
		mc.Parts = append(mc.Parts, llms.TextContent{Text: m.Text()})
		msgs = append(msgs, mc)
	}
	return msgs, nil
}

// takesImages reports whether langchaingo passes images on to the model:
// its Bedrock client sends them to Anthropic's Claude and Amazon's Nova
// models, and folds every other family's messages into one prompt string.
func takesImages(ep provider.Endpoint, model string) bool {
	return ep.Flavor == "bedrock" && (strings.Contains(model, "anthropic") || strings.Contains(model, ".nova-"))
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
