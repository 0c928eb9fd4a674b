package openai

import (
	"strings"

	"github.com/parley-chat/parley/provider"
)

// reasoningModel reports whether model is one of OpenAI's reasoning-era
// families, which refuse max_tokens: o1, o3 and o4 alone or followed by a
// dash (o3-mini, o4-mini-2025-04-16), and gpt-5 (gpt-5, gpt-5-mini,
// gpt-5.1).
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4"} {
		if rest, ok := strings.CutPrefix(m, p); ok && (rest == "" || rest[0] == '-') {
			return true
		}
	}
	rest, ok := strings.CutPrefix(m, "gpt-5")
	return ok && (rest == "" || rest[0] == '-' || rest[0] == '.')
}

// setLimit puts the token limit of req in the field that ep takes (see
// provider.Endpoint.MaxTokensField): max_completion_tokens when ep says
// so, or says "auto" and the model is a reasoning one; else max_tokens.
func setLimit(r *chatRequest, ep provider.Endpoint, req provider.Request) {
	f := ep.MaxTokensField
	if f == "max_completion_tokens" || f == "auto" && reasoningModel(req.Model) {
		r.MaxCompletionTokens = req.MaxTokens
	} else {
		r.MaxTokens = req.MaxTokens
	}
}
