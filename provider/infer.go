package provider

import "strings"

// families maps the start of well-known model names to the endpoint that
// serves them, so that -m gpt-4o needs no "openai:" in front.
var families = []struct{ prefix, endpoint string }{
	{"gpt-", "openai"},
	{"chatgpt-", "openai"},
	{"o1", "openai"},
	{"o3", "openai"},
	{"o4", "openai"},
	{"claude-", "anthropic"},
	{"gemini-", "gemini"},
	{"gemma-", "gemini"},
}

// InferEndpoint returns the name of the endpoint whose models are called
// like model (openai for gpt-4o, o3-mini or chatgpt-4o-latest; anthropic
// for claude-*; gemini for gemini-* and gemma-*), or "" when the name
// belongs to no family it knows. The o-series matches o1, o3 and o4 alone
// or followed by a dash ("o3-mini"), not any word starting with "o3".
func InferEndpoint(model string) string {
	m := strings.ToLower(model)
	for _, f := range families {
		if !strings.HasPrefix(m, f.prefix) {
			continue
		}
		if !strings.HasSuffix(f.prefix, "-") && len(m) > len(f.prefix) && m[len(f.prefix)] != '-' {
			continue
		}
		return f.endpoint
	}
	return ""
}
