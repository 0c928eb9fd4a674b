package provider

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestResolve(t *testing.T) {
	eps := Presets()
	eps.Set(Endpoint{Name: "work", Type: TypeOpenAI, BaseURL: "https://llm.example/v1", APIKeyEnv: "WORK_KEY", Model: "big"})
	tests := []struct {
		spec, def       string
		wantEP, wantMod string
		wantErr         string
	}{
		{spec: "openai:gpt-4o", wantEP: "openai", wantMod: "gpt-4o"},
		{spec: "ollama:llama3.2:3b", wantEP: "ollama", wantMod: "llama3.2:3b"},
		{spec: "llama3.2:3b", def: "ollama", wantEP: "ollama", wantMod: "llama3.2:3b"},
		{spec: "llama3.2", def: "ollama", wantEP: "ollama", wantMod: "llama3.2"},
		{spec: "mistral", def: "ollama", wantEP: "mistral", wantMod: "mistral-small-latest"}, // an endpoint's name
		{spec: "ollama:mistral", def: "ollama", wantEP: "ollama", wantMod: "mistral"},
		{spec: "mistral", wantEP: "mistral", wantMod: "mistral-small-latest"},
		{spec: "demo", def: "openai", wantEP: "demo", wantMod: "demo"},
		{spec: "groq:", wantEP: "groq", wantMod: "llama-3.3-70b-versatile"},
		{spec: "work:", def: "openai", wantEP: "work", wantMod: "big"},
		{spec: "", def: "work", wantEP: "work", wantMod: "big"},
		{spec: "groq:llama-3.3-70b", def: "openai", wantEP: "groq", wantMod: "llama-3.3-70b"},
		{spec: "lmstudio:", wantErr: "no model given for lmstudio"},
		{spec: "nope:model", wantErr: `unknown provider "nope"`},
		{spec: "gpt-4o", wantErr: "no default provider"},
		{spec: "", wantErr: "-m demo"},
		{spec: "x", def: "gone", wantErr: `unknown default provider "gone"`},
	}
	for _, tt := range tests {
		t.Run(tt.spec+"/"+tt.def, func(t *testing.T) {
			ep, model, err := eps.Resolve(tt.spec, tt.def)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve(%q, %q) error = %v, want %q", tt.spec, tt.def, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Name != tt.wantEP || model != tt.wantMod {
				t.Errorf("Resolve(%q, %q) = %s, %q; want %s, %q", tt.spec, tt.def, ep.Name, model, tt.wantEP, tt.wantMod)
			}
		})
	}
}

func TestShadows(t *testing.T) {
	eps := Presets()
	for _, tt := range []struct{ spec, def, want string }{
		{"mistral", "ollama", "ollama:mistral"},
		{"mistral", "", ""},
		{"mistral", "mistral", ""},
		{"llama3.2", "ollama", ""}, // not an endpoint's name: it is the model
		{"demo", "gone", ""},
	} {
		if got := eps.Shadows(tt.spec, tt.def); got != tt.want {
			t.Errorf("Shadows(%q, %q) = %q, want %q", tt.spec, tt.def, got, tt.want)
		}
	}
}

func TestSetOverridesFieldByField(t *testing.T) {
	eps := Presets()
	eps.Set(Endpoint{Name: "openai", BaseURL: "http://proxy.local/v1"})
	got := eps["openai"]
	if got.BaseURL != "http://proxy.local/v1" || got.Type != TypeOpenAI || got.APIKeyEnv != "OPENAI_API_KEY" {
		t.Errorf("override lost preset fields: %+v", got)
	}
	if Presets()["openai"].BaseURL != "https://api.openai.com/v1" {
		t.Error("Set changed the presets themselves")
	}
}

func TestPresetsAreValid(t *testing.T) {
	for name, ep := range Presets() {
		if ep.Name != name || ep.Type == "" {
			t.Errorf("preset %s: %+v", name, ep)
		}
		if ep.BaseURL != "" && !strings.HasPrefix(ep.BaseURL, "http") {
			t.Errorf("preset %s: base URL %q", name, ep.BaseURL)
		}
	}
	for _, name := range []string{"openrouter", "groq", "deepseek", "mistral", "lmstudio", "llamacpp", "vllm"} {
		if Presets()[name].Type != TypeOpenAI {
			t.Errorf("preset %s missing or not openai-compatible", name)
		}
	}
	if got := Presets()["lmstudio"].BaseURL; got != "http://localhost:1234/v1" {
		t.Errorf("lmstudio at %s", got)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"GOOGLE_API_KEY": "g-key", "GEMINI_BASE_URL": "http://127.0.0.1:9"}
	getenv := func(k string) string { return env[k] }
	ep := Presets()["gemini"].FromEnv(getenv)
	if ep.APIKey != "g-key" || ep.BaseURL != "http://127.0.0.1:9" {
		t.Errorf("FromEnv = key %q, url %q", ep.APIKey, ep.BaseURL)
	}
	if got := ep.KeyVar(getenv); got != "GOOGLE_API_KEY" {
		t.Errorf("KeyVar = %q", got)
	}
	env["GEMINI_API_KEY"] = "first"
	if got := Presets()["gemini"].FromEnv(getenv).APIKey; got != "first" {
		t.Errorf("GEMINI_API_KEY should win, got %q", got)
	}
	explicit := Endpoint{Name: "x", APIKey: "given", APIKeyEnv: "GEMINI_API_KEY"}
	if got := explicit.FromEnv(getenv).APIKey; got != "given" {
		t.Errorf("an explicit key was replaced by %q", got)
	}
}

func TestRequireKey(t *testing.T) {
	err := Presets()["gemini"].RequireKey()
	if !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "GEMINI_API_KEY or GOOGLE_API_KEY") {
		t.Errorf("RequireKey = %v", err)
	}
	if err := Presets()["ollama"].RequireKey(); err != nil {
		t.Errorf("ollama needs no key: %v", err)
	}
	if err := Presets()["vllm"].RequireKey(); err != nil {
		t.Errorf("vllm key is optional: %v", err)
	}
}

type nopProvider struct{ ep Endpoint }

func (p nopProvider) Name() string { return p.ep.Name }
func (p nopProvider) Stream(context.Context, Request) (<-chan Chunk, error) {
	return nil, errors.New("not implemented")
}

var registerNop sync.Once // registrations outlive a test run under -count

func TestNew(t *testing.T) {
	registerNop.Do(func() {
		Register("test-nop", func(ep Endpoint, _ Options) (Provider, error) { return nopProvider{ep}, nil })
	})
	p, err := New(Endpoint{Name: "mine", Type: "test-nop", BaseURL: "http://127.0.0.1:1/v1"}, Options{})
	if err != nil || p.Name() != "mine" {
		t.Fatalf("New = %v, %v", p, err)
	}
	p, err = New(Endpoint{Name: "local", Type: "test-nop", BaseURL: "localhost:11434"}, Options{})
	if err != nil || p.(nopProvider).ep.BaseURL != "http://localhost:11434" {
		t.Errorf("scheme-less base URL: %v, %v", p, err)
	}
	if _, err := New(Endpoint{Name: "bad", Type: "carrier-pigeon"}, Options{}); err == nil || !strings.Contains(err.Error(), `unknown type "carrier-pigeon"`) {
		t.Errorf("unknown type: %v", err)
	}
	_, err = New(Endpoint{Name: "bad", Type: "test-nop", BaseURL: "ftp://user:secret@host/"}, Options{})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("bad URL: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("a second Register of one type did not panic")
		}
	}()
	Register("test-nop", func(Endpoint, Options) (Provider, error) { return nil, nil })
}
