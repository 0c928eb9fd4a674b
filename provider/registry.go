package provider

// This file is the registry of named endpoints and backend factories.
//
// An Endpoint is one entry of the [providers.NAME] table of the config: a
// name usable before the colon in -m, the wire protocol it speaks (its
// Type), where it lives and which key it sends. Presets returns the
// built-in endpoints; the config overrides them field by field with
// Endpoints.Set, and adds its own (`[providers.groq] type = "openai"`).
//
// Each backend package registers a Factory for its Type from init:
//
//	func init() { provider.Register("openai", newProvider) }
//
// so main imports the backends it wants (for their side effect) and builds
// a Provider with provider.New(endpoint, options), which checks the key.
// Options carries what every backend shares: the HTTP client, the retry
// policy, the timeouts and the debug log.
//
// Wiring, in order:
//
//	eps := provider.Presets()
//	eps.Set(userEndpoint)                    // for each [providers.X] table
//	ep, model, err := eps.Resolve(spec, defaultProvider)
//	ep = ep.FromEnv(os.Getenv)               // key and base-URL variables
//	p, err := provider.New(ep, provider.Options{...})

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The wire protocols that Parley speaks; an Endpoint's Type is one of them.
const (
	TypeOpenAI    = "openai"
	TypeAnthropic = "anthropic"
	TypeGemini    = "gemini"
	TypeOllama    = "ollama"
	TypeSSE       = "sse"
	TypeDemo      = "demo"
	TypeLangChain = "langchain"
)

// Endpoint is one named provider: what -m calls it, how to talk to it and
// where. Zero fields of a user's endpoint leave the preset's value in place
// (see Endpoints.Set).
type Endpoint struct {
	// Name is written before the colon in -m ("groq" in groq:llama-3.3-70b).
	Name string
	// Type is the wire protocol: one of the Type constants.
	Type string
	// BaseURL is the API root, e.g. "https://api.groq.com/openai/v1".
	BaseURL string
	// BaseURLEnv names a variable that overrides BaseURL when set
	// (OPENAI_BASE_URL, OLLAMA_HOST...).
	BaseURLEnv string
	// APIKey is the key itself, once resolved. It never appears in output.
	APIKey string
	// APIKeyEnv names the variable the key comes from. Several names may be
	// given, separated by commas; the first one set wins
	// ("GEMINI_API_KEY,GOOGLE_API_KEY").
	APIKeyEnv string
	// KeyOptional is set for servers that need no key (local servers).
	KeyOptional bool
	// Model is the model used when -m names only the provider.
	Model string
	// Flavor selects the langchaingo backend of a "langchain" endpoint
	// ("bedrock"). Other types ignore it.
	Flavor string
	// MaxTokensField is the body field an "openai" endpoint sends the token
	// limit in: "max_tokens" (also when empty), "max_completion_tokens", or
	// "auto", which is max_completion_tokens for OpenAI's reasoning models
	// (o1, o3, o4, gpt-5) and max_tokens for the others. Other types ignore it.
	MaxTokensField string
}

// KeyVar returns the variable the key is read from, for advice such as
// "check the API key in GROQ_API_KEY": the one that is set, or all the
// candidates joined with "or".
func (ep Endpoint) KeyVar(getenv func(string) string) string {
	names := ep.keyVars()
	if getenv != nil {
		for _, n := range names {
			if getenv(n) != "" {
				return n
			}
		}
	}
	return strings.Join(names, " or ")
}

func (ep Endpoint) keyVars() []string {
	var names []string
	for n := range strings.SplitSeq(ep.APIKeyEnv, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// FromEnv returns ep with APIKey taken from its APIKeyEnv variables when
// it has none, and BaseURL taken from BaseURLEnv when that is set (a value
// without a scheme, as OLLAMA_HOST often is, gets "http://"). A key or
// URL given explicitly (by a flag, say) should be set after FromEnv.
func (ep Endpoint) FromEnv(getenv func(string) string) Endpoint {
	if ep.APIKey == "" {
		for _, n := range ep.keyVars() {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				ep.APIKey = v
				break
			}
		}
	}
	if ep.BaseURLEnv != "" {
		if v := strings.TrimSpace(getenv(ep.BaseURLEnv)); v != "" {
			if !strings.Contains(v, "://") {
				v = "http://" + v // OLLAMA_HOST=127.0.0.1:11434
			}
			ep.BaseURL = v
		}
	}
	return ep
}

// RequireKey returns a *KeyError, naming the variable to set, when ep
// needs a key and has none.
func (ep Endpoint) RequireKey() error {
	if ep.APIKey != "" || ep.KeyOptional || ep.APIKeyEnv == "" {
		return nil
	}
	return &KeyError{Provider: ep.Name, Set: ep.KeyVar(nil)}
}

// Validate checks that ep names a registered Type and, if it has a base
// URL, that it is an absolute http or https URL.
func (ep Endpoint) Validate() error {
	if ep.Type == "" {
		return fmt.Errorf("provider %s: no type (one of %s)", ep.Name, strings.Join(Types(), ", "))
	}
	if lookup(ep.Type) == nil {
		return fmt.Errorf("provider %s: unknown type %q (one of %s)", ep.Name, ep.Type, strings.Join(Types(), ", "))
	}
	if ep.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(ep.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("provider %s: base URL %q is not an http(s) URL", ep.Name, RedactURL(ep.BaseURL))
	}
	return nil
}

// RedactURL hides a password in a URL written by the user.
func RedactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// Options is what every backend shares, whatever its endpoint: plain
// configuration. The HTTP engine that obeys it is package httpx, the
// stream engine Start and Run.
type Options struct {
	// HTTPClient sends every request: an *http.Client; nil means a client
	// from httpx.NewClient(""), which honours HTTPS_PROXY and NO_PROXY. It
	// should have no Timeout of its own: Timeout and IdleTimeout bound a
	// stream. Whichever client it is, the transport adds its own policies
	// (see package httpx).
	HTTPClient HTTPClient
	// Retry says how a request is retried before its first token; nil
	// means DefaultRetry, and a zero Max disables retries.
	Retry *RetryPolicy
	// Timeout bounds a whole request, retries included; 0 means none.
	Timeout time.Duration
	// IdleTimeout is the longest silence allowed between two reads of a
	// response (waiting for its headers included); 0 means none.
	// Keep-alive comments count as activity.
	IdleTimeout time.Duration
	// Debug receives a debug log (requests, statuses, faults; never keys
	// or headers); nil means none.
	Debug *slog.Logger
}

// HTTPClient is the type of Options.HTTPClient: an *http.Client, which
// package httpx sends with and refuses anything else. It is named here by
// the one method the program calls on it directly, so that this package,
// and the store that needs only its types, do not depend on net/http.
type HTTPClient interface{ CloseIdleConnections() }

// RetryPolicy returns the retry policy to use.
func (o Options) RetryPolicy() RetryPolicy {
	if o.Retry != nil {
		return *o.Retry
	}
	return DefaultRetry
}

// Logger returns the debug logger, or one that discards everything.
func (o Options) Logger() *slog.Logger {
	if o.Debug != nil {
		return o.Debug
	}
	return slog.New(slog.DiscardHandler)
}

// Factory builds a Provider for an endpoint of one Type.
type Factory func(Endpoint, Options) (Provider, error)

// FactoryOf returns the Factory of a backend whose constructor cannot
// fail: provider.Register(provider.TypeOllama, provider.FactoryOf(New)).
func FactoryOf[P Provider](newP func(Endpoint, Options) P) Factory {
	return func(ep Endpoint, o Options) (Provider, error) { return newP(ep, o), nil }
}

var (
	factoriesMu sync.RWMutex
	factories   = map[string]Factory{}
)

// Register makes a backend available for endpoints of type typ. Backend
// packages call it from init; registering a type twice panics.
func Register(typ string, f Factory) {
	factoriesMu.Lock()
	defer factoriesMu.Unlock()
	if f == nil {
		panic("provider: Register of nil factory for " + typ)
	}
	if _, dup := factories[typ]; dup {
		panic("provider: Register called twice for " + typ)
	}
	factories[typ] = f
}

func lookup(typ string) Factory {
	factoriesMu.RLock()
	defer factoriesMu.RUnlock()
	return factories[typ]
}

// Types returns the registered types, sorted.
func Types() []string {
	factoriesMu.RLock()
	defer factoriesMu.RUnlock()
	types := make([]string, 0, len(factories))
	for t := range factories {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// New builds the Provider for ep with the factory registered for its Type.
// A base URL without a scheme ("localhost:11434") is taken as http. An
// endpoint that needs a key and has none is refused here (see RequireKey),
// the one place where keys are checked, so that backends need not.
func New(ep Endpoint, o Options) (Provider, error) {
	if ep.BaseURL != "" && !strings.Contains(ep.BaseURL, "://") {
		ep.BaseURL = "http://" + ep.BaseURL
	}
	if err := ep.RequireKey(); err != nil {
		return nil, err
	}
	if err := ep.Validate(); err != nil {
		return nil, err
	}
	return lookup(ep.Type)(ep, o)
}

// ErrNoModel reports a model spec that names no model and whose provider
// has no default model.
var ErrNoModel = errors.New("provider: no model given")
