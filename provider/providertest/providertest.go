// Package providertest helps test provider backends: it drains a chunk
// stream into a Result and checks the stream's contract on the way (one
// final Finish or Error chunk, then a closed channel).
package providertest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// Transcript returns the wire transcript testdata/name of the package under
// test.
func Transcript(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Wait bounds how long Collect waits for a stream to end. It is a guard
// against a hung test, not a timing assertion.
var Wait = 20 * time.Second

// Result is everything a stream delivered.
type Result struct {
	Text      string
	Reasoning string
	Usage     *provider.Usage // the last usage chunk, if any
	Progress  []provider.Chunk
	Notices   []string
	Deltas    int    // text and reasoning chunks
	Reason    string // from the Finish chunk
	Finished  bool   // the stream ended with Finish
	Err       error  // from the Error chunk
}

// Collect reads ch to its end. It fails the test when the stream does not
// end with exactly one Finish or Error chunk followed by its close, or does
// not end within Wait.
func Collect(tb testing.TB, ch <-chan provider.Chunk) Result {
	tb.Helper()
	var r Result
	var text, reasoning strings.Builder
	ended := false
	timeout := time.NewTimer(Wait)
	defer timeout.Stop()
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				if !ended {
					tb.Fatal("stream closed without a Finish or Error chunk")
				}
				r.Text, r.Reasoning = text.String(), reasoning.String()
				return r
			}
			if ended {
				tb.Fatalf("chunk %v after the final chunk", c.Kind)
			}
			switch c.Kind {
			case provider.KindText:
				text.WriteString(c.Text)
				r.Deltas++
			case provider.KindReasoning:
				reasoning.WriteString(c.Text)
				r.Deltas++
			case provider.KindUsage:
				u := c.Usage
				r.Usage = &u
			case provider.KindProgress:
				r.Progress = append(r.Progress, c)
			case provider.KindNotice:
				r.Notices = append(r.Notices, c.Text)
			case provider.KindFinish:
				r.Reason, r.Finished, ended = c.Reason, true, true
			case provider.KindError:
				if c.Err == nil {
					tb.Fatal("Error chunk with a nil Err")
				}
				r.Err, ended = c.Err, true
			default:
				tb.Fatalf("chunk of unknown kind %d", c.Kind)
			}
		case <-timeout.C:
			tb.Fatalf("stream did not end within %s", Wait)
		}
	}
}

// Stream calls p.Stream and collects the result, failing the test if the
// request could not be built.
func Stream(tb testing.TB, p provider.Provider, req provider.Request) Result {
	tb.Helper()
	ch, err := p.Stream(tb.Context(), req)
	if err != nil {
		tb.Fatalf("Stream: %v", err)
	}
	return Collect(tb, ch)
}

// Answer is what a stream that must finish delivers.
type Answer struct {
	Text, Reasoning, Reason string
	Usage                   provider.Usage
	Notice                  string // the one notice expected; "" for none checked
}

// Finished checks that r finished with the answer a describes.
func Finished(tb testing.TB, r Result, a Answer) {
	tb.Helper()
	if r.Err != nil {
		tb.Fatalf("error: %v", r.Err)
	}
	if r.Text != a.Text || r.Reasoning != a.Reasoning || r.Reason != a.Reason {
		tb.Errorf("got text %q, reasoning %q, reason %q", r.Text, r.Reasoning, r.Reason)
	}
	if r.Usage == nil || *r.Usage != a.Usage {
		tb.Errorf("usage = %+v, want %+v", r.Usage, a.Usage)
	}
	if a.Notice != "" && (len(r.Notices) != 1 || r.Notices[0] != a.Notice) {
		tb.Errorf("notices = %q", r.Notices)
	}
}

// Failure is what a stream that must fail delivers.
type Failure struct {
	Want      []string // words the error must contain
	Is        error    // a sentinel the error must wrap; nil for none
	Partial   string   // the text that arrived before the failure
	Reasoning *string  // the reasoning that arrived before it; nil: not checked
	Secret    string   // the API key, which the error must not show; "" for none
}

// Failed checks that r ended with an error as f describes.
func Failed(tb testing.TB, r Result, f Failure) {
	tb.Helper()
	if r.Err == nil {
		tb.Fatalf("no error; text %q", r.Text)
	}
	for _, w := range f.Want {
		if !strings.Contains(r.Err.Error(), w) {
			tb.Errorf("error %q does not contain %q", r.Err, w)
		}
	}
	if f.Is != nil && !errors.Is(r.Err, f.Is) {
		tb.Errorf("error %v is not %v", r.Err, f.Is)
	}
	if r.Text != f.Partial {
		tb.Errorf("partial text %q, want %q", r.Text, f.Partial)
	}
	if f.Reasoning != nil && r.Reasoning != *f.Reasoning {
		tb.Errorf("partial reasoning %q, want %q", r.Reasoning, *f.Reasoning)
	}
	if f.Secret != "" {
		NoSecret(tb, f.Secret, r.Err.Error())
	}
}

// NoSecret fails the test if any of texts contains secret.
func NoSecret(tb testing.TB, secret string, texts ...string) {
	tb.Helper()
	for _, s := range texts {
		if strings.Contains(s, secret) {
			tb.Errorf("the key leaked: %q", s)
		}
	}
}
