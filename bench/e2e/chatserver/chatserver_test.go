package chatserver

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/openai"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestTokens(t *testing.T) {
	for _, n := range []int{1, MinTokens, 9, 20, 50, 100, 2000, 10000} {
		toks := Tokens(n)
		if want := max(n, MinTokens); len(toks) != want {
			t.Errorf("Tokens(%d): %d tokens, want %d", n, len(toks), want)
		}
		text := strings.Join(toks, "")
		if toks[0] != FirstWord {
			t.Errorf("Tokens(%d): first token %q, want %q", n, toks[0], FirstWord)
		}
		if !strings.Contains(toks[len(toks)-1], LastWord) {
			t.Errorf("Tokens(%d): last token %q, want %q in it", n, toks[len(toks)-1], LastWord)
		}
		for _, w := range []string{FirstWord, LastWord} {
			if c := strings.Count(text, w); c != 1 {
				t.Errorf("Tokens(%d): %q occurs %d times, want once", n, w, c)
			}
		}
		if c := strings.Count(text, "```"); c%2 != 0 {
			t.Errorf("Tokens(%d): %d fence markers, an open code block", n, c)
		}
		if strings.Join(Tokens(n), "") != text {
			t.Errorf("Tokens(%d) is not deterministic", n)
		}
	}
	text := strings.Join(Tokens(2000), "")
	for _, want := range slices.Concat(Landmarks, []string{"\n## ", "\n- ", "\n1. ", "\n```go\n", "\n| --- |", "\n> "}) {
		if !strings.Contains(text, want) {
			t.Errorf("a 2000-token answer has no %q", want)
		}
	}
}

// TestStreamThroughOpenAI reads the server with the product's own OpenAI
// provider: the whole answer, the finish reason and the usage arrive.
func TestStreamThroughOpenAI(t *testing.T) {
	for _, rate := range []float64{0, 20000} {
		srv, err := Start(Options{Tokens: 300, Rate: rate})
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{DisableKeepAlives: true}
		c := openai.New(provider.Endpoint{BaseURL: srv.URL, APIKey: "x"}, provider.Options{HTTPClient: &http.Client{Transport: tr}, Retry: &provider.RetryPolicy{}})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		ch, err := c.Stream(ctx, provider.Request{Model: "bench", Messages: []provider.Message{{Role: provider.RoleUser, Content: "hi"}}})
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		var reason string
		var usage provider.Usage
		for c := range ch {
			switch c.Kind {
			case provider.KindText:
				text.WriteString(c.Text)
			case provider.KindFinish:
				reason = c.Reason
			case provider.KindUsage:
				usage = c.Usage
			case provider.KindError:
				t.Errorf("rate %v: %v", rate, c.Err)
			}
		}
		cancel()
		if want := strings.Join(Tokens(300), ""); text.String() != want {
			t.Errorf("rate %v: text differs from the script (%d bytes, want %d)", rate, text.Len(), len(want))
		}
		if reason != "stop" || usage.OutputTokens != 300 || usage.InputTokens != 12 {
			t.Errorf("rate %v: finish %q, usage %+v; want stop, 12 in, 300 out", rate, reason, usage)
		}
		if got := srv.Requests(); got != 1 {
			t.Errorf("rate %v: %d requests, want 1", rate, got)
		}
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestRateIsKept(t *testing.T) {
	srv, err := Start(Options{Tokens: 50, Rate: 500})
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
	// 50 tokens at 500/s take at least 49 intervals of 2 ms; only the
	// lower bound is certain on a loaded machine.
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("50 tokens at 500/s came in %v, want at least 98ms", d)
	}
	http.DefaultClient.CloseIdleConnections()
}
