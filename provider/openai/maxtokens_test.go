package openai

import (
	"encoding/json"
	"testing"

	"github.com/parley-chat/parley/provider"
)

// TestLimitField checks the field the token limit goes in, per endpoint
// and model: OpenAI's reasoning models get max_completion_tokens up
// front, compatible servers keep max_tokens unless their preset says.
func TestLimitField(t *testing.T) {
	openai := provider.Presets()["openai"]
	groq := provider.Presets()["groq"]
	custom := provider.Endpoint{Name: "work", Type: provider.TypeOpenAI, MaxTokensField: "max_completion_tokens"}
	tests := []struct {
		ep     provider.Endpoint
		field  string
		models []string
	}{
		{openai, "max_tokens", []string{"gpt-4o-mini", "gpt-4.1", "o3x", "gpt-50"}},
		{openai, "max_completion_tokens", []string{"o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini", "gpt-5.1"}},
		{groq, "max_tokens", []string{"o3-mini", "gpt-5"}},
		{custom, "max_completion_tokens", []string{"llama3"}},
	}
	for _, tt := range tests {
		other := "max_tokens"
		if tt.field == other {
			other = "max_completion_tokens"
		}
		for _, model := range tt.models {
			req := hello
			req.Model, req.MaxTokens = model, 300
			body, err := json.Marshal(newChatRequest(tt.ep, req))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			json.Unmarshal(body, &m)
			if m[tt.field] != 300.0 || m[other] != nil {
				t.Errorf("%s %s: body %s, want %s only", tt.ep.Name, model, body, tt.field)
			}
		}
	}
	// No limit, no field.
	body, _ := json.Marshal(newChatRequest(openai, provider.Request{Model: "o3"}))
	var m map[string]any
	json.Unmarshal(body, &m)
	if _, ok := m["max_completion_tokens"]; ok {
		t.Errorf("no limit: %s", body)
	}
}
