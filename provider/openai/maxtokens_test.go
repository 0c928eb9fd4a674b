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
		ep    provider.Endpoint
		model string
		field string
	}{
		{openai, "gpt-4o-mini", "max_tokens"},
		{openai, "gpt-4.1", "max_tokens"},
		{openai, "o1", "max_completion_tokens"},
		{openai, "o3-mini", "max_completion_tokens"},
		{openai, "o4-mini-2025-04-16", "max_completion_tokens"},
		{openai, "gpt-5", "max_completion_tokens"},
		{openai, "gpt-5-mini", "max_completion_tokens"},
		{openai, "gpt-5.1", "max_completion_tokens"},
		{openai, "o3x", "max_tokens"},
		{openai, "gpt-50", "max_tokens"},
		{groq, "o3-mini", "max_tokens"},
		{groq, "gpt-5", "max_tokens"},
		{custom, "llama3", "max_completion_tokens"},
	}
	for _, tt := range tests {
		req := hello
		req.Model, req.MaxTokens = tt.model, 300
		body, err := json.Marshal(newChatRequest(tt.ep, req))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		other := "max_tokens"
		if tt.field == other {
			other = "max_completion_tokens"
		}
		if m[tt.field] != 300.0 || m[other] != nil {
			t.Errorf("%s %s: body %s, want %s only", tt.ep.Name, tt.model, body, tt.field)
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
