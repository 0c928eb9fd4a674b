package config

import "fmt"

// maxTokensField is the max_tokens_field of a [providers.NAME] table: the
// body field an OpenAI-compatible endpoint takes the token limit in. It is
// a struct so that the TOML decoder calls UnmarshalText (it sets a string
// kind directly).
type maxTokensField struct{ value string }

// UnmarshalText accepts the values provider.Endpoint.MaxTokensField knows.
func (f *maxTokensField) UnmarshalText(b []byte) error {
	switch v := string(b); v {
	case "", "auto", "max_tokens", "max_completion_tokens":
		f.value = v
		return nil
	default:
		return fmt.Errorf("%q is not one of auto, max_tokens, max_completion_tokens", v)
	}
}
