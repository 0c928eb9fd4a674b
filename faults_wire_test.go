package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/stream/streamtest"
)

// The end-to-end checks of issue 12 items 3 and 6, per wire: an answer
// whose finish marker arrived ends at once, however the server goes on,
// and a surrogate pair that a server split across two deltas is one
// character.

// finishOnly is the part of b's tail up to and including its finish
// marker, without what would normally follow it (openai's [DONE],
// anthropic's message_stop).
func (b backend) finishOnly() string {
	switch b.name {
	case "openai":
		return strings.TrimSuffix(b.tail, "data: [DONE]\n\n")
	case "anthropic":
		return b.tail[:strings.Index(b.tail, "event: message_stop")]
	}
	return b.tail
}

// finishGrace bounds the run of an answer whose server holds the
// connection open after the finish marker: the grace after the marker
// (a quarter of a second) and the start of the binary on a busy machine,
// far below the default --idle-timeout of minutes. The --timeout of the
// runs only keeps a failing test from waiting that long.
const finishGrace = 3 * time.Second

func TestFaultsFinishThenSilence(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello", ", world")+b.finishOnly()), streamtest.Stall()))
			start := time.Now()
			r := b.run(t, srv.URL, "--timeout", "10s")
			took := time.Since(start)
			if r.code != 0 || r.stdout != "Hello, world" || r.stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q after %s; want exit 0 and the whole answer", r.code, r.stdout, r.stderr, took.Round(time.Millisecond))
			}
			t.Logf("ended after %s", took.Round(time.Millisecond))
			if took > finishGrace {
				t.Errorf("the finished answer took %s to end", took.Round(time.Millisecond))
			}
		})
	}
	t.Run("openai/usage after the finish", func(t *testing.T) {
		// With stream_options.include_usage, OpenAI sends the usage in a
		// chunk of its own after the finish_reason: it still counts.
		t.Parallel()
		b := backends[0]
		usage := `data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}` + "\n\n"
		srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")+b.finishOnly()+usage), streamtest.Stall()))
		start := time.Now()
		r := b.run(t, srv.URL, "--timeout", "10s", "--json")
		took := time.Since(start)
		want := `{"type":"usage","usage":{"input_tokens":9,"output_tokens":3}}`
		if r.code != 0 || !strings.Contains(r.stdout, want+"\n") || !strings.HasSuffix(r.stdout, `{"type":"finish","reason":"stop"}`+"\n") {
			t.Fatalf("exit %d, stdout %q, stderr %q after %s; want the usage, then the finish", r.code, r.stdout, r.stderr, took.Round(time.Millisecond))
		}
		if took > finishGrace {
			t.Errorf("the finished answer took %s to end", took.Round(time.Millisecond))
		}
	})
}

// literalToken is one of b's token frames whose text is lit, a JSON
// string literal written as the server sent it.
func (b backend) literalToken(lit string) string {
	return strings.Replace(b.token("@@"), jsonString("@@"), lit, 1)
}

func TestFaultsSplitSurrogates(t *testing.T) {
	for _, b := range backends {
		if b.name == "sse" {
			continue // text events are plain text, not JSON: no escape can split a pair
		}
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// A JavaScript server cuts "123456🎉 and 1" after 7 UTF-16
			// code units, between the halves of the 🎉.
			body := b.head + b.literalToken(`"123456\ud83c"`) + b.literalToken(`"\udf89 and 1"`) + b.tail
			srv := streamtest.NewServer(t, b.stream(streamtest.Chunks(body, 9)), b.stream(streamtest.Write(body)))
			r := b.run(t, srv.URL)
			if r.code != 0 || r.stdout != "123456🎉 and 1" || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and one 🎉", r.code, r.stdout, r.stderr)
			}
			r = b.run(t, srv.URL, "--json")
			var texts []string
			for line := range strings.Lines(r.stdout) {
				var c struct{ Type, Text string }
				if json.Unmarshal([]byte(line), &c) == nil && c.Type == "text" {
					texts = append(texts, c.Text)
				}
			}
			if got := strings.Join(texts, ""); r.code != 0 || got != "123456🎉 and 1" || strings.ContainsRune(r.stdout, '\uFFFD') {
				t.Errorf("--json: exit %d, text %q, stdout %q", r.code, got, r.stdout)
			}
		})
	}
	t.Run("openai/unpaired", func(t *testing.T) {
		// A half that no other half completes is still U+FFFD, also one
		// held back when the answer ends.
		t.Parallel()
		b := backends[0]
		body := b.literalToken(`"a\ud83c"`) + b.literalToken(`"b\udf89"`) + b.literalToken(`"c\ud83c"`) + b.tail
		srv := streamtest.NewServer(t, b.stream(streamtest.Write(body)))
		if r := b.run(t, srv.URL); r.code != 0 || r.stdout != "a\uFFFDb\uFFFDc\uFFFD" || r.stderr != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
}
