package chatserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/openai"
	"github.com/parley-chat/parley/provider/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestMarkdown(t *testing.T) {
	for _, n := range []int{1, MinTokens, 9, 20, 50, 100, 2000, 10000} {
		toks := Markdown(n)
		if want := max(n, MinTokens); len(toks) != want {
			t.Errorf("Markdown(%d): %d tokens, want %d", n, len(toks), want)
		}
		text := strings.Join(toks, "")
		if toks[0] != FirstWord {
			t.Errorf("Markdown(%d): first token %q, want %q", n, toks[0], FirstWord)
		}
		if !strings.Contains(toks[len(toks)-1], LastWord) {
			t.Errorf("Markdown(%d): last token %q, want %q in it", n, toks[len(toks)-1], LastWord)
		}
		for _, w := range []string{FirstWord, LastWord} {
			if c := strings.Count(text, w); c != 1 {
				t.Errorf("Markdown(%d): %q occurs %d times, want once", n, w, c)
			}
		}
		if c := strings.Count(text, "```"); c%2 != 0 {
			t.Errorf("Markdown(%d): %d fence markers, an open code block", n, c)
		}
		if strings.Join(Markdown(n), "") != text {
			t.Errorf("Markdown(%d) is not deterministic", n)
		}
	}
	text := strings.Join(Markdown(2000), "")
	for _, want := range slices.Concat(Landmarks, []string{"\n## ", "\n- ", "\n1. ", "\n```go\n", "\n| --- |", "\n> "}) {
		if !strings.Contains(text, want) {
			t.Errorf("a 2000-token answer has no %q", want)
		}
	}
}

// benchAnswer is the answer bench/e2e streams: n tokens of markdown
// after a role event, with usage.
func benchAnswer(n int, pause time.Duration) Answer {
	toks := Markdown(n)
	return Answer{Role: true, Tokens: toks, Usage: &Usage{Prompt: 12, Completion: len(toks)}, Pause: pause}
}

// read streams one answer from url with the product's own OpenAI
// provider, and returns what arrived.
func read(t *testing.T, url, key, prompt string) providertest.Result {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := openai.New(provider.Endpoint{BaseURL: url, APIKey: key}, provider.Options{HTTPClient: &http.Client{Transport: tr}, Retry: &provider.RetryPolicy{}})
	return providertest.Stream(t, c, provider.Request{Model: "m", Messages: []provider.Message{{Role: provider.RoleUser, Content: prompt}}})
}

// TestStreamThroughOpenAI reads the server with the product's own OpenAI
// provider: the whole answer, the finish reason and the usage arrive.
func TestStreamThroughOpenAI(t *testing.T) {
	for _, pause := range []time.Duration{0, 50 * time.Microsecond} {
		srv, err := Start(Options{Answer: benchAnswer(300, pause), Model: "bench"})
		if err != nil {
			t.Fatal(err)
		}
		providertest.Finished(t, read(t, srv.URL, "x", "hi"), providertest.Answer{
			Text: strings.Join(Markdown(300), ""), Reason: "stop", Usage: provider.Usage{InputTokens: 12, OutputTokens: 300},
		})
		if got := srv.Requests(); len(got) != 1 || got[0].Model != "m" || got[0].Prompt() != "hi" {
			t.Errorf("pause %v: requests %+v, want one for m with the prompt hi", pause, got)
		}
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestAnswerFor: each request gets its own answer, with reasoning and
// usage, and is recorded; a request without the key gets OpenAI's 401; a
// truncated answer ends with no finish.
func TestAnswerFor(t *testing.T) {
	srv, err := Start(Options{Key: "sk-k", AnswerFor: func(r Request) Answer {
		a := Answer{Reasoning: Words("let me think"), Tokens: Words("you said " + r.Prompt()), Usage: &Usage{Prompt: 3, Completion: 4}}
		a.Truncated = r.Prompt() == "cut"
		return a
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	providertest.Finished(t, read(t, srv.URL, "sk-k", "hello there"), providertest.Answer{
		Text: "you said hello there", Reasoning: "let me think", Reason: "stop", Usage: provider.Usage{InputTokens: 3, OutputTokens: 4},
	})
	providertest.Failed(t, read(t, srv.URL, "sk-k", "cut"), providertest.Failure{Partial: "you said cut"})
	providertest.Failed(t, read(t, srv.URL, "sk-wrong", "hi"), providertest.Failure{Want: []string{"401", "Incorrect API key provided."}})
	var prompts []string
	for _, r := range srv.Requests() {
		prompts = append(prompts, r.Prompt())
	}
	if want := []string{"hello there", "cut", "hi"}; !slices.Equal(prompts, want) {
		t.Errorf("prompts %q, want %q", prompts, want)
	}
}

func TestContentParts(t *testing.T) {
	var r Request
	body := `{"model":"m","stream":true,"messages":[{"role":"system","content":"be brief"},` +
		`{"role":"user","content":[{"type":"text","text":"what is "},{"type":"image_url","image_url":{"url":"data:,"}},{"type":"text","text":"this?"}]}]}`
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Messages[0].Content != "be brief" || r.Prompt() != "what is this?" || r.Messages[1].Role != "user" {
		t.Errorf("request %+v", r)
	}
}

func TestPauseIsKept(t *testing.T) {
	srv, err := Start(Options{Answer: benchAnswer(50, 2*time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	body := strings.NewReader(string(srv.RequestBody("hi")))
	resp, err := http.Post(srv.URL+"/chat/completions", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	buf := make([]byte, 1<<16)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	// 50 tokens 2 ms apart take at least 49 intervals of 2 ms; only the
	// lower bound is certain on a loaded machine.
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("50 tokens 2ms apart came in %v, want at least 98ms", d)
	}
	http.DefaultClient.CloseIdleConnections()
}

// TestOnDelta: the hook is told of every delta, reasoning and text, in
// order, and of nothing else (the role, the finish, the usage).
func TestOnDelta(t *testing.T) {
	var mu sync.Mutex
	var got []int
	srv, err := Start(Options{
		Answer:  Answer{Role: true, Reasoning: Words("hm, yes"), Tokens: Words("it is so"), Usage: &Usage{Prompt: 1, Completion: 3}},
		OnDelta: func(i int) { mu.Lock(); got = append(got, i); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	providertest.Finished(t, read(t, srv.URL, "x", "hi"), providertest.Answer{
		Text: "it is so", Reasoning: "hm, yes", Reason: "stop", Usage: provider.Usage{InputTokens: 1, OutputTokens: 3},
	})
	mu.Lock()
	defer mu.Unlock()
	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("OnDelta was told %v, want %v", got, want)
	}
}
