package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/provider"
)

// In the built binary: the model picker (Ctrl+L) lists the aliases and
// the models of every provider that can answer, not only the current
// one: here the current Ollama server's, and OpenAI's, whose key is set,
// from a second server. Each is asked at once with its own time limit. A
// name typed in full that the list lacks is taken as typed.
func TestChatModelPickerListsEveryProvider(t *testing.T) {
	openai := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test", Model: "gpt-one"}))
	t.Cleanup(openai.Close)
	ollama := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/tags" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"models":[{"name":"llama-two:3b"}]}`))
	}))
	t.Cleanup(ollama.Close)
	config := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(config, []byte("retries = 0\n[aliases]\nquick = \"openai:gpt-one\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"PARLEY_CONFIG=" + config, "PARLEY_DATA_DIR=" + t.TempDir(),
		"OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL=" + openai.URL, "OLLAMA_HOST=" + ollama.URL}
	keys, screen, exitFile := tmuxChat(t, env, "-m", "ollama:llama-two:3b")
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	keys("C-l")
	waitScreen(t, screen, "Switch model", 10*time.Second)
	s := waitScreen(t, screen, "openai:gpt-one", 10*time.Second)
	for _, want := range []string{"ollama:llama-two:3b  (current)", "quick"} {
		if !strings.Contains(s, want) {
			t.Errorf("the picker does not list %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "could not list") {
		t.Errorf("a provider that cannot answer was reported:\n%s", s)
	}
	keys("gpt-one", "Enter")
	waitScreen(t, screen, "now talking to openai:gpt-one", 10*time.Second)
	// A name typed in full that nothing in the list matches is taken as
	// typed.
	keys("C-l")
	waitScreen(t, screen, "Switch model", 10*time.Second)
	keys("openai:brand-new-model")
	waitScreen(t, screen, "enter uses", 5*time.Second)
	keys("Enter")
	waitScreen(t, screen, "now talking to openai:brand-new-model", 10*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)
}

// The picker's listing asks every provider at once and waits for none
// longer than listTimeout: a keyless server that hangs is left out in
// silence, a provider with a key that hangs is named in the error, and
// the others are listed all the same, the current provider's first.
func TestModelsListingIsConcurrentAndBounded(t *testing.T) {
	defer func(d time.Duration) { listTimeout = d }(listTimeout)
	listTimeout = 500 * time.Millisecond
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	one := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Model: "m-one"}))
	t.Cleanup(one.Close)
	two := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Model: "m-two"}))
	t.Cleanup(two.Close)

	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	eps := provider.Endpoints{}
	for _, ep := range []provider.Endpoint{
		{Name: "cur", Type: provider.TypeOpenAI, BaseURL: one.URL + "/v1", KeyOptional: true},
		{Name: "keyed", Type: provider.TypeOpenAI, BaseURL: two.URL + "/v1", APIKeyEnv: "KEYED_KEY"},
		{Name: "nokey", Type: provider.TypeOpenAI, BaseURL: two.URL + "/v1", APIKeyEnv: "NOKEY_KEY"},
		{Name: "stuck", Type: provider.TypeOpenAI, BaseURL: hang.URL + "/v1", KeyOptional: true},
		{Name: "stuckkey", Type: provider.TypeOpenAI, BaseURL: hang.URL + "/v1", APIKeyEnv: "STUCK_KEY"},
	} {
		eps.Set(ep)
	}
	keys := map[string]string{"KEYED_KEY": "k1", "STUCK_KEY": "k2"}
	env := &environment{getenv: func(k string) string { return keys[k] }}
	w := &setup{s: config.Settings{Endpoints: eps, Aliases: map[string]string{"fav": "keyed:m-two"}},
		opts: provider.Options{HTTPClient: &http.Client{Transport: tr}}}
	cur, err := provider.New(eps["cur"], w.opts)
	if err != nil {
		t.Fatal(err)
	}
	w.prov = cur

	start := time.Now()
	specs, err := w.models(t.Context(), env)
	took := time.Since(start)
	if want := []string{"fav", "cur:m-one", "keyed:m-two"}; !slices.Equal(specs, want) {
		t.Errorf("specs = %q, want %q", specs, want)
	}
	if err == nil || !strings.Contains(err.Error(), "stuckkey:") || strings.Contains(err.Error(), "stuck:") {
		t.Errorf("err = %v, want the keyed provider that hung named, and only it", err)
	}
	if took > 3*listTimeout {
		t.Errorf("listing took %v with a limit of %v per provider: not concurrent", took, listTimeout)
	}
}
