package langchain

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
)

func TestMain(m *testing.M) { providertest.Main(m) }

// fakeModel scripts a langchaingo model's behaviour.
type fakeModel struct {
	run func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error)
	got []llms.MessageContent
	opt llms.CallOptions
}

func (f *fakeModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	f.got, f.opt = msgs, o
	return f.run(ctx, o)
}

func (f *fakeModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, f, prompt, options...)
}

func choice(content, stop string, info map[string]any) *llms.ContentResponse {
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: content, StopReason: stop, GenerationInfo: info}}}
}

var hello = provider.Request{Model: "m1", System: "Be brief.", Messages: []provider.Message{{Role: provider.RoleUser, Content: "hi"}}}

func newFake(run func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error)) (*Client, *fakeModel) {
	f := &fakeModel{run: run}
	return NewModel("fake", f, provider.Options{Retry: &provider.RetryPolicy{}}), f
}

func TestBothCallbacksTextOnce(t *testing.T) {
	c, f := newFake(func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		// langchaingo's OpenAI client, for one, hands each chunk to both.
		for _, s := range []string{"Hel", "lo"} {
			o.StreamingReasoningFunc(ctx, nil, []byte(s))
			o.StreamingFunc(ctx, []byte(s))
		}
		o.StreamingReasoningFunc(ctx, []byte("pondering"), nil)
		return choice("Hello", "stop", map[string]any{"input_tokens": 3, "output_tokens": 2}), nil
	})
	r := providertest.Stream(t, c, hello)
	if r.Err != nil || r.Text != "Hello" || r.Reasoning != "pondering" || r.Reason != "stop" {
		t.Fatalf("got %+v", r)
	}
	if r.Usage == nil || *r.Usage != (provider.Usage{InputTokens: 3, OutputTokens: 2}) {
		t.Errorf("usage %+v", r.Usage)
	}
	if len(f.got) != 2 || f.got[0].Role != llms.ChatMessageTypeSystem || f.opt.Model != "m1" {
		t.Errorf("request %+v %+v", f.got, f.opt)
	}
	if len(f.opt.Tools) != 0 || len(f.opt.Functions) != 0 {
		t.Error("tools were sent")
	}
}

func TestNoStopReasonIsIncomplete(t *testing.T) {
	c, _ := newFake(func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		o.StreamingFunc(ctx, []byte("The first half"))
		return choice("The first half", "", nil), nil // a drop, swallowed
	})
	r := providertest.Stream(t, c, hello)
	if !errors.Is(r.Err, provider.ErrIncomplete) || !strings.Contains(r.Err.Error(), "connection lost after 1 tokens") ||
		!strings.Contains(r.Err.Error(), "no stop reason") || r.Text != "The first half" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
}

func TestErrorAfterText(t *testing.T) {
	c, _ := newFake(func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		o.StreamingFunc(ctx, []byte("Partial"))
		return nil, errors.New("error reading stream response: unexpected EOF")
	})
	r := providertest.Stream(t, c, hello)
	if !errors.Is(r.Err, provider.ErrIncomplete) || !strings.Contains(r.Err.Error(), "fake: error reading stream response") || r.Text != "Partial" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
}

func TestNonStreamingBackend(t *testing.T) {
	c, _ := newFake(func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		return choice("All at once.", "max_tokens", nil), nil
	})
	r := providertest.Stream(t, c, hello)
	if r.Err != nil || r.Text != "All at once." || len(r.Notices) != 1 || r.Notices[0] != provider.MsgMaxTokens {
		t.Fatalf("got %+v", r)
	}
}

func TestCancelWithContextBlindModel(t *testing.T) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	c, _ := newFake(func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		defer wg.Done()
		o.StreamingFunc(ctx, []byte("tok"))
		<-release // ignores ctx, as Mistral's client does
		o.StreamingFunc(ctx, []byte("late"))
		return choice("toklate", "stop", nil), nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := c.Stream(ctx, hello)
	if err != nil {
		t.Fatal(err)
	}
	if first := <-ch; first.Kind != provider.KindText || first.Text != "tok" {
		t.Fatalf("first chunk %+v", first)
	}
	cancel()
	r := providertest.Collect(t, ch) // must end while the model still runs
	if !errors.Is(r.Err, context.Canceled) || strings.Contains(r.Text, "late") {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
	close(release)
	wg.Wait() // the model's goroutine ends once its call does
}

func TestCancelReturningNil(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c, _ := newFake(func(_ context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		o.StreamingFunc(ctx, []byte("x"))
		cancel()
		return choice("x", "", nil), nil // langchaingo sometimes says nothing
	})
	ch, err := c.Stream(ctx, hello)
	if err != nil {
		t.Fatal(err)
	}
	r := providertest.Collect(t, ch)
	if !errors.Is(r.Err, context.Canceled) {
		t.Fatalf("error %v", r.Err)
	}
}

func TestUsage(t *testing.T) {
	type mistralUsage struct{ PromptTokens, TotalTokens, CompletionTokens int }
	for _, tt := range []struct {
		info map[string]any
		want provider.Usage
		ok   bool
	}{
		{map[string]any{"input_tokens": 5, "output_tokens": 7}, provider.Usage{InputTokens: 5, OutputTokens: 7}, true},
		{map[string]any{"usage": mistralUsage{10, 16, 6}}, provider.Usage{InputTokens: 10, OutputTokens: 6}, true},
		{map[string]any{"usage": &mistralUsage{1, 3, 2}}, provider.Usage{InputTokens: 1, OutputTokens: 2}, true},
		{map[string]any{"usage": "odd"}, provider.Usage{}, false},
		{nil, provider.Usage{}, false},
	} {
		if got, ok := usage(tt.info); got != tt.want || ok != tt.ok {
			t.Errorf("usage(%v) = %+v, %v", tt.info, got, ok)
		}
	}
}

func TestFlavors(t *testing.T) {
	if _, err := New(provider.Endpoint{Name: "x", Type: provider.TypeLangChain, Flavor: "palm"}, provider.Options{}); err == nil || !strings.Contains(err.Error(), `unknown flavor "palm"`) {
		t.Errorf("unknown flavor: %v", err)
	}
}

func TestIdleTimeout(t *testing.T) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	f := &fakeModel{run: func(ctx context.Context, o llms.CallOptions) (*llms.ContentResponse, error) {
		defer wg.Done()
		o.StreamingFunc(ctx, []byte("tok"))
		<-release // silent, and blind to ctx
		return choice("tok", "stop", nil), nil
	}}
	c := NewModel("fake", f, provider.Options{Retry: &provider.RetryPolicy{}, IdleTimeout: 200 * time.Millisecond})
	r := providertest.Stream(t, c, hello)
	close(release)
	wg.Wait()
	var te *provider.TimeoutError
	if !errors.As(r.Err, &te) || !te.Idle || !strings.Contains(r.Err.Error(), "answer incomplete after 1 tokens") || strings.Contains(r.Err.Error(), "connection lost") || r.Text != "tok" {
		t.Fatalf("got %q, %v", r.Text, r.Err)
	}
}
