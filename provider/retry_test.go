package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const secret = "sk-secret-0123456789"

// TestRetryWhen checks how the advice says when to retry: httpx reads
// the Retry-After header (TestRetryAfterHeader there).
func TestRetryWhen(t *testing.T) {
	now := time.Date(2025, 3, 1, 14, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "after 20s"},
		{time.Hour, "in 1h0m, at 15:00"},
		{90 * time.Minute, "in 1h30m, at 15:30"},
		{366 * 24 * time.Hour, "in 8784h0m, at Mar 2 2026 14:00"}, // httpx's bound on Retry-After
		{10 * time.Hour, "in 10h0m, at Mar 2 00:00"},
	} {
		if got := retryWhen(tt.d, now); got != tt.want {
			t.Errorf("retryWhen(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Now()
	limited := func(d time.Duration) error {
		return &APIError{Provider: "acme", Status: 429, Message: "slow down", RetryAfter: d, Advice: "rate limited; retry after " + FormatWait(d)}
	}
	p := RetryPolicy{Max: 2, Base: time.Second, Cap: 20 * time.Second}
	if d, _, ok := p.wait(0, limited(20*time.Second), now); !ok || d != 20*time.Second {
		t.Errorf("no deadline: wait %v, %v", d, ok)
	}
	if _, err, ok := p.wait(0, limited(time.Hour), now); ok || err.Error() != limited(time.Hour).Error() {
		t.Errorf("an hour: ok %v, error %v; want to give up at once in the provider's words", ok, err)
	}
	p.deadline, p.timeout = now.Add(3*time.Second), 3*time.Second
	_, err, ok := p.wait(0, limited(20*time.Second), now)
	var ae *APIError
	if ok || !errors.As(err, &ae) || !strings.Contains(err.Error(), "slow down (rate limited; retry after 20s; --timeout 3s ends before the next try)") {
		t.Errorf("past the deadline: ok %v, error %v", ok, err)
	}
	if d, _, ok := p.wait(0, limited(2*time.Second), now); !ok || d != 2*time.Second {
		t.Errorf("within the deadline: wait %v, %v", d, ok)
	}
}

// TestScrubError checks that the key is gone from every link of a chain,
// including the fields of typed errors that views show on their own.
func TestScrubError(t *testing.T) {
	api := &APIError{Provider: "acme", Message: "bad key Bearer " + secret, Advice: "check " + secret}
	err := &LostError{Deltas: 3, Err: fmt.Errorf("acme: %w", api)}
	s := scrubError(err, []string{secret})
	if strings.Contains(s.Error(), secret) || !strings.Contains(s.Error(), "Bearer [key]") {
		t.Errorf("message %q", s)
	}
	var lost *LostError
	var ae *APIError
	if !errors.As(s, &lost) || lost.Deltas != 3 || !errors.As(s, &ae) || strings.Contains(ae.Message+ae.Advice, secret) {
		t.Errorf("typed errors lost or not scrubbed: %#v", ae)
	}
	if strings.Contains(lost.Err.Error(), secret) {
		t.Errorf("inner message %q", lost.Err)
	}
	if !errors.Is(s, ErrIncomplete) {
		t.Error("the sentinel is lost")
	}
	if api.Message != "bad key Bearer "+secret {
		t.Error("the original error was changed")
	}
	plain := errors.New("nothing secret")
	if scrubError(plain, []string{secret}) != plain {
		t.Error("an error without the key was rewrapped")
	}
}

// TestEmitterScrubs checks that a notice and an error sent through a
// stream started for an endpoint are scrubbed of its key.
func TestEmitterScrubs(t *testing.T) {
	o := Options{Retry: &RetryPolicy{}}
	ep := Endpoint{Name: "acme", APIKey: secret}
	var got []string
	for c := range Start(t.Context(), ep, o, func(ctx context.Context, e *Emitter) (string, error) {
		e.Notice("resuming after " + secret)
		e.Text("answer " + secret) // the answer is the model's: left alone
		return "", &APIError{Provider: "acme", Message: "echo " + secret}
	}) {
		got = append(got, c.Text)
		if c.Err != nil {
			got = append(got, c.Err.Error())
		}
	}
	want := []string{"resuming after [key]", "answer " + secret, "", "acme: echo [key]"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks %q, want %q", got, want)
	}
}
