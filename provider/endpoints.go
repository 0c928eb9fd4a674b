package provider

import (
	"fmt"
	"slices"
	"strings"
)

// Endpoints is a set of named endpoints, keyed by Name.
type Endpoints map[string]Endpoint

// Presets returns the built-in endpoints: the native protocols, the common
// OpenAI-compatible services and local servers, and the langchaingo
// backends. The map is new on each call and the caller may change it.
func Presets() Endpoints {
	eps := Endpoints{}
	for _, ep := range presets {
		eps[ep.Name] = ep
	}
	return eps
}

var presets = []Endpoint{
	{Name: "openai", Type: TypeOpenAI, BaseURL: "https://api.openai.com/v1", BaseURLEnv: "OPENAI_BASE_URL",
		APIKeyEnv: "OPENAI_API_KEY", Model: "gpt-4o-mini", MaxTokensField: "auto"},
	{Name: "anthropic", Type: TypeAnthropic, BaseURL: "https://api.anthropic.com", BaseURLEnv: "ANTHROPIC_BASE_URL",
		APIKeyEnv: "ANTHROPIC_API_KEY", Model: "claude-sonnet-4-5"},
	{Name: "gemini", Type: TypeGemini, BaseURL: "https://generativelanguage.googleapis.com", BaseURLEnv: "GEMINI_BASE_URL",
		APIKeyEnv: "GEMINI_API_KEY,GOOGLE_API_KEY", Model: "gemini-2.5-flash"},
	{Name: "ollama", Type: TypeOllama, BaseURL: "http://localhost:11434", BaseURLEnv: "OLLAMA_HOST",
		KeyOptional: true, Model: "llama3.2"},
	{Name: "demo", Type: TypeDemo, KeyOptional: true, Model: "demo"},
	{Name: "sse", Type: TypeSSE, APIKeyEnv: "PARLEY_SSE_API_KEY", KeyOptional: true, Model: "default"},

	// OpenAI-compatible services.
	{Name: "openrouter", Type: TypeOpenAI, BaseURL: "https://openrouter.ai/api/v1",
		APIKeyEnv: "OPENROUTER_API_KEY", Model: "openai/gpt-4o-mini"},
	{Name: "groq", Type: TypeOpenAI, BaseURL: "https://api.groq.com/openai/v1",
		APIKeyEnv: "GROQ_API_KEY", Model: "llama-3.3-70b-versatile"},
	{Name: "deepseek", Type: TypeOpenAI, BaseURL: "https://api.deepseek.com/v1",
		APIKeyEnv: "DEEPSEEK_API_KEY", Model: "deepseek-chat"},
	{Name: "mistral", Type: TypeOpenAI, BaseURL: "https://api.mistral.ai/v1",
		APIKeyEnv: "MISTRAL_API_KEY", Model: "mistral-small-latest"},

	// Backends reached through langchaingo (provider/langchain).
	{Name: "bedrock", Type: TypeLangChain, Flavor: "bedrock", KeyOptional: true,
		Model: "anthropic.claude-3-5-haiku-20241022-v1:0"},

	// Local OpenAI-compatible servers, on their default ports.
	{Name: "lmstudio", Type: TypeOpenAI, BaseURL: "http://localhost:1234/v1", KeyOptional: true},
	{Name: "llamacpp", Type: TypeOpenAI, BaseURL: "http://localhost:8080/v1", KeyOptional: true},
	{Name: "vllm", Type: TypeOpenAI, BaseURL: "http://localhost:8000/v1", APIKeyEnv: "VLLM_API_KEY", KeyOptional: true},
}

// Set adds ep, or overrides the endpoint of the same name field by field:
// the non-zero fields of ep replace those of the existing endpoint, so
// `[providers.openai] base_url = "..."` keeps the preset's type and key
// variable. KeyOptional can only be turned on.
func (eps Endpoints) Set(ep Endpoint) {
	old, ok := eps[ep.Name]
	if !ok {
		eps[ep.Name] = ep
		return
	}
	merge := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	merge(&old.Type, ep.Type)
	merge(&old.BaseURL, ep.BaseURL)
	merge(&old.BaseURLEnv, ep.BaseURLEnv)
	merge(&old.APIKey, ep.APIKey)
	merge(&old.APIKeyEnv, ep.APIKeyEnv)
	merge(&old.Model, ep.Model)
	merge(&old.Flavor, ep.Flavor)
	merge(&old.MaxTokensField, ep.MaxTokensField)
	old.KeyOptional = old.KeyOptional || ep.KeyOptional
	eps[ep.Name] = old
}

// Names returns the endpoint names, sorted.
func (eps Endpoints) Names() []string {
	names := make([]string, 0, len(eps))
	for n := range eps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ParseModel splits "provider:model" at its first colon. A spec without a
// colon is a bare model name and provider is empty. Model names may hold
// colons themselves (ollama:llama3.2:3b); to tell "llama3.2:3b" (a bare
// name) from a provider prefix, use Endpoints.Resolve, which knows the
// provider names.
func ParseModel(spec string) (provider, model string) {
	p, m, ok := strings.Cut(spec, ":")
	if !ok {
		return "", spec
	}
	return p, m
}

// Resolve finds the endpoint and model that spec names:
//
//	name:model   that endpoint and model (the model may hold colons)
//	name:        that endpoint's default model
//	name         that endpoint's default model, default provider or not
//	model        a bare model name for the endpoint called def
//	""           def's default model
//
// A word that names an endpoint means the endpoint: `-m groq` or `-m demo`
// with OpenAI as the default provider is not a request for an OpenAI model
// called groq. A model of the default provider that has an endpoint's name
// is written in full (ollama:mistral); Shadows tells when a spec may have
// meant one.
func (eps Endpoints) Resolve(spec, def string) (Endpoint, string, error) {
	if p, m := ParseModel(spec); p != "" {
		if ep, ok := eps[p]; ok {
			return withModel(ep, m)
		}
	}
	if ep, ok := eps[spec]; ok {
		// "-m ollama": the provider alone, with its default model.
		return withModel(ep, "")
	}
	if def == "" {
		if spec == "" {
			return Endpoint{}, "", fmt.Errorf("%w: choose one with -m provider:model (providers: %s), or try -m demo", ErrNoModel, strings.Join(eps.Names(), ", "))
		}
		if p, _ := ParseModel(spec); p != "" {
			return Endpoint{}, "", fmt.Errorf("unknown provider %q in %q (known: %s)", p, spec, strings.Join(eps.Names(), ", "))
		}
		return Endpoint{}, "", fmt.Errorf("no default provider for model %q: write provider:%s, or set default_provider in the config (providers: %s)", spec, spec, strings.Join(eps.Names(), ", "))
	}
	ep, ok := eps[def]
	if !ok {
		return Endpoint{}, "", fmt.Errorf("unknown default provider %q (known: %s)", def, strings.Join(eps.Names(), ", "))
	}
	return withModel(ep, spec)
}

// Shadows returns the spec that names def's model called spec, when spec
// names another endpoint and so is not read as that model ("ollama:mistral"
// for "mistral" with Ollama as the default provider), or "".
func (eps Endpoints) Shadows(spec, def string) string {
	if _, ok := eps[spec]; !ok || def == "" || def == spec {
		return ""
	}
	if _, ok := eps[def]; !ok {
		return ""
	}
	return def + ":" + spec
}

func withModel(ep Endpoint, model string) (Endpoint, string, error) {
	if model == "" {
		model = ep.Model
	}
	if model == "" {
		return ep, "", fmt.Errorf("%w for %s: write %s:MODEL (try --list-models)", ErrNoModel, ep.Name, ep.Name)
	}
	return ep, model, nil
}
