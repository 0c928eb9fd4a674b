package demo

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
)

func TestMain(m *testing.M) { providertest.Main(m) }

func TestTokensJoinBack(t *testing.T) {
	a := Answer("what is *this*?")
	if got := strings.Join(Tokens(a), ""); got != a {
		t.Fatalf("tokens do not join back to the answer")
	}
	if n := len(Tokens(a)); n < 100 {
		t.Fatalf("only %d tokens", n)
	}
}

func TestStreamsTheAnswer(t *testing.T) {
	c := &Client{Delay: -1}
	ch, err := c.Stream(context.Background(), provider.Request{Model: "demo",
		Messages: []provider.Message{{Role: provider.RoleUser, Content: "hello"}}})
	if err != nil {
		t.Fatal(err)
	}
	var text, reasoning strings.Builder
	var last provider.Chunk
	for c := range ch {
		switch c.Kind {
		case provider.KindText:
			text.WriteString(c.Text)
		case provider.KindReasoning:
			reasoning.WriteString(c.Text)
		}
		last = c
	}
	if last.Kind != provider.KindFinish || last.Reason != "stop" {
		t.Fatalf("last chunk = %+v", last)
	}
	if text.String() != Answer("hello") {
		t.Errorf("text = %q", text.String())
	}
	if reasoning.String() != reasoningText {
		t.Errorf("reasoning = %q", reasoning.String())
	}
}

func TestCancelStopsEverything(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := (&Client{}).Stream(ctx, provider.Request{Model: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	cancel()
	var last provider.Chunk
	for c := range ch {
		last = c
	}
	if last.Kind != provider.KindError {
		t.Fatalf("last chunk after cancel = %+v", last)
	}
}

func TestTimeoutsApply(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    *Client
	}{
		{"timeout", &Client{Options: provider.Options{Timeout: 150 * time.Millisecond}}},
		{"idle timeout", &Client{Delay: 400 * time.Millisecond, Options: provider.Options{IdleTimeout: 100 * time.Millisecond}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			ch, err := tt.c.Stream(context.Background(), provider.Request{Model: "demo",
				Messages: []provider.Message{{Role: provider.RoleUser, Content: "hello"}}})
			if err != nil {
				t.Fatal(err)
			}
			var last provider.Chunk
			for c := range ch {
				last = c
			}
			var te *provider.TimeoutError
			if last.Kind != provider.KindError || !errors.As(last.Err, &te) {
				t.Fatalf("last chunk = %+v, want a timeout", last)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the answer ended after %v", d)
			}
		})
	}
}

// TestCancelUnderLoad cancels a fast answer whose reader has stopped
// reading: the relayed stream still ends with one error, last.
func TestCancelUnderLoad(t *testing.T) {
	for range 20 {
		ctx, cancel := context.WithCancel(t.Context())
		ch, err := (&Client{Delay: -1}).Stream(ctx, provider.Request{Model: "demo"})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(ch) < cap(ch) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		cancel()
		r := providertest.Collect(t, ch) // exactly one terminal chunk, last
		if r.Finished || !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("finished %v, error %v; want an error wrapping context.Canceled", r.Finished, r.Err)
		}
	}
}
