package provider

import "testing"

func TestInferEndpoint(t *testing.T) {
	for model, want := range map[string]string{
		"gpt-4o":            "openai",
		"gpt-5-mini":        "openai",
		"o3-mini":           "openai",
		"o1":                "openai",
		"o4-mini":           "openai",
		"chatgpt-4o-latest": "openai",
		"claude-sonnet-4-5": "anthropic",
		"Claude-3-Haiku":    "anthropic",
		"gemini-2.5-flash":  "gemini",
		"gemma-3-27b-it":    "gemini",
		"o3x":               "",
		"gemma3":            "",
		"llama3.2":          "",
		"mistral":           "",
		"":                  "",
	} {
		if got := InferEndpoint(model); got != want {
			t.Errorf("InferEndpoint(%q) = %q, want %q", model, got, want)
		}
	}
}
