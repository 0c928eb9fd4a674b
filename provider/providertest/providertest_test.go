package providertest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/parley-chat/parley/provider"
)

func TestMain(m *testing.M) { Main(m) }

func TestFrames(t *testing.T) {
	if got, want := SSEFrames("data: a\n\n: ping\n\nevent: x\ndata: b\n\ntail"), []string{"data: a\n\n", ": ping\n\n", "event: x\ndata: b\n\n", "tail"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SSEFrames = %q, want %q", got, want)
	}
	if got, want := LineFrames("{}\n{\"a\":1}\n"), []string{"{}\n", "{\"a\":1}\n"}; !reflect.DeepEqual(got, want) {
		t.Errorf("LineFrames = %q, want %q", got, want)
	}
	if got := SSEFrames(""); got != nil {
		t.Errorf("SSEFrames of nothing = %q", got)
	}
}

// recorder is a testing.TB that records failures instead of stopping the
// test, so that Collect's own checks can be tested. Fatal ends the
// goroutine that Collect runs in.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()                  {}
func (r *recorder) Errorf(string, ...any)    { r.failed = true }
func (r *recorder) Fatal(...any)             { r.failed = true; panic(r) }
func (r *recorder) Fatalf(string, ...any)    { r.failed = true; panic(r) }
func (r *recorder) Context() context.Context { return context.Background() }

// collect runs Collect over chunks and reports whether it failed the test.
func collect(t *testing.T, chunks ...provider.Chunk) (res Result, failed bool) {
	t.Helper()
	ch := make(chan provider.Chunk, len(chunks))
	for _, c := range chunks {
		ch <- c
	}
	close(ch)
	rec := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != any(rec) {
				panic(p)
			}
		}()
		res = Collect(rec, ch)
	}()
	return res, rec.failed
}

func TestCollect(t *testing.T) {
	text := provider.Chunk{Kind: provider.KindText, Text: "a"}
	finish := provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	r, failed := collect(t, provider.Chunk{Kind: provider.KindReasoning, Text: "r"}, text, finish)
	if failed || r.Text != "a" || r.Reasoning != "r" || r.Deltas != 2 || !r.Finished || r.Reason != "stop" {
		t.Errorf("good stream: %+v, failed %v", r, failed)
	}
	boom := errors.New("boom")
	if r, failed := collect(t, text, provider.Chunk{Kind: provider.KindError, Err: boom}); failed || r.Err != boom || r.Finished {
		t.Errorf("error stream: %+v, failed %v", r, failed)
	}
	for name, chunks := range map[string][]provider.Chunk{
		"no final chunk":       {text},
		"two final chunks":     {finish, finish},
		"chunk after final":    {finish, text},
		"error chunk, nil Err": {{Kind: provider.KindError}},
		"unknown kind":         {{Kind: 99}, finish},
	} {
		if _, failed := collect(t, chunks...); !failed {
			t.Errorf("%s: Collect did not fail the test", name)
		}
	}
}
