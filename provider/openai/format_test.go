package openai

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider/providertest"
)

func split(deltas ...string) (string, string) {
	var t thinkSplitter
	s := &providertest.Sink{}
	for _, d := range deltas {
		t.feed(d, s)
	}
	t.flush(s)
	return s.Result()
}

func TestThinkSplitter(t *testing.T) {
	tests := []struct {
		name            string
		deltas          []string
		text, reasoning string
	}{
		{"plain", []string{"Hello", " world"}, "Hello world", ""},
		{"leading space kept", []string{"\n", "  Hi"}, "\n  Hi", ""},
		{"block", []string{"<think>why</think>\n\nBecause."}, "Because.", "why"},
		{"split tags", []string{"<", "thi", "nk>a", "b</", "think", ">", "\n", "c"}, "c", "ab"},
		{"whitespace before", []string{" \n<think>x</think>y"}, "y", "x"},
		{"tag later is text", []string{"Use ", "<think>x</think>"}, "Use <think>x</think>", ""},
		{"near miss", []string{"<thin", "g>"}, "<thing>", ""},
		{"unclosed", []string{"<think>still thinking</th"}, "", "still thinking</th"},
		{"only prefix", []string{"<th"}, "<th", ""},
		{"close lookalike", []string{"<think>a</thin", "x</think>b"}, "b", "a</thinx"},
	}
	for _, tt := range tests {
		if text, reasoning := split(tt.deltas...); text != tt.text || reasoning != tt.reasoning {
			t.Errorf("%s: text %q, reasoning %q; want %q, %q", tt.name, text, reasoning, tt.text, tt.reasoning)
		}
	}
}

// FuzzThinkSplit checks that how the content is cut into deltas never
// changes what is text and what is reasoning.
func FuzzThinkSplit(f *testing.F) {
	f.Add("<think>a</think>\n\nb", uint(3), uint(9))
	f.Add(" <think>x</thi", uint(1), uint(12))
	f.Add("plain <think>", uint(0), uint(2))
	f.Fuzz(func(t *testing.T, s string, i, j uint) {
		a, b := int(i%uint(len(s)+1)), int(j%uint(len(s)+1))
		if a > b {
			a, b = b, a
		}
		wantText, wantReasoning := split(s)
		text, reasoning := split(s[:a], s[a:b], s[b:])
		if text != wantText || reasoning != wantReasoning {
			t.Fatalf("%q cut at %d,%d: %q/%q, whole: %q/%q", s, a, b, text, reasoning, wantText, wantReasoning)
		}
	})
}

func FuzzParseChunk(f *testing.F) {
	for _, name := range []string{"basic.sse", "reasoning_content.sse", "reasoning.sse", "think_tags.sse", "length.sse", "groq.sse"} {
		for block := range strings.SplitSeq(providertest.Transcript(f, name), "\n\n") {
			if data, ok := strings.CutPrefix(block, "data: "); ok {
				f.Add([]byte(data))
			}
		}
	}
	f.Add([]byte(`{"error":{"message":"boom","type":"server_error"}}`))
	f.Add([]byte(`{"error":"plain"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := decoder{name: "openai"}
		s := &providertest.Sink{}
		done, err := d.handle(data, s)
		if done && (err != nil || string(data) != "[DONE]") {
			t.Fatalf("done=%v err=%v for %q", done, err, data)
		}
		if err == nil {
			d.Finish(s)
		}
	})
}
