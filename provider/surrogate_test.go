package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestKeepSurrogates(t *testing.T) {
	tests := []struct{ in, out string }{
		{`{"t":"plain"}`, `{"t":"plain"}`},
		{`{"t":"a\nb \"q\" \u00e9"}`, `{"t":"a\nb \"q\" \u00e9"}`},
		{`{"t":"\ud83c\udf89"}`, `{"t":"\ud83c\udf89"}`},
		{`{"t":"123456\ud83c"}`, `{"t":"123456\ufdd0\ue03c"}`},
		{`{"t":"\udf89 and 1"}`, `{"t":"\ufdd0\ue789 and 1"}`},
		{`{"t":"\uD83C\uD83C\uDF89"}`, `{"t":"\ufdd0\ue03c\uD83C\uDF89"}`},
		{`{"t":"\\ud83c"}`, `{"t":"\\ud83c"}`}, // an escaped backslash, then text
		{`{"t":"\\\ud83c"}`, `{"t":"\\\ufdd0\ue03c"}`},
		{`{"t":"\ufdd0` + "\uFDD0" + `"}`, `{"t":"\ufdd0\ue800\ufdd0\ue800"}`},
		{`{"t":"\ud83c\u00e9"}`, `{"t":"\ufdd0\ue03c\u00e9"}`},
		{`{"t":"\ud83c\u12"}`, `{"t":"\ufdd0\ue03c\u12"}`}, // stays invalid
		{`{"t":"\ud83`, `{"t":"\ud83`},
		{`\`, `\`},
	}
	for _, tt := range tests {
		if got := string(KeepSurrogates([]byte(tt.in))); got != tt.out {
			t.Errorf("KeepSurrogates(%s) = %s, want %s", tt.in, got, tt.out)
		}
	}
	in := []byte(`{"t":"a\nb"}`)
	if out := KeepSurrogates(in); &out[0] != &in[0] {
		t.Error("a frame with nothing to rewrite was copied")
	}
}

// emitted feeds the deltas, each a JSON string literal as a server sends
// it, to an Emitter (text, or reasoning when the literal starts with "r:")
// and returns the text and the reasoning that came out after a Finish.
func emitted(t *testing.T, deltas ...string) (text, reasoning string) {
	t.Helper()
	ch := make(chan Chunk, len(deltas)+4)
	e := &Emitter{ctx: context.Background(), ch: ch}
	for _, d := range deltas {
		send := e.Text
		if lit, ok := strings.CutPrefix(d, "r:"); ok {
			send, d = e.Reasoning, lit
		}
		var v struct{ T string }
		if err := json.Unmarshal(KeepSurrogates([]byte(`{"t":`+d+`}`)), &v); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		send(v.T)
	}
	e.send(Chunk{Kind: KindFinish})
	close(ch)
	var tb, rb strings.Builder
	for c := range ch {
		switch c.Kind {
		case KindText:
			tb.WriteString(c.Text)
		case KindReasoning:
			rb.WriteString(c.Text)
		case KindFinish:
		default:
			t.Fatalf("chunk %v", c.Kind)
		}
	}
	return tb.String(), rb.String()
}

func TestEmitterJoinsSurrogates(t *testing.T) {
	tests := []struct {
		name            string
		deltas          []string
		text, reasoning string
	}{
		{"split pair", []string{`"123456\ud83c"`, `"\udf89 and 1"`}, "123456🎉 and 1", ""},
		{"pair alone in deltas", []string{`"\ud83c"`, `"\udf89"`}, "🎉", ""},
		{"high then text", []string{`"a\ud83c"`, `"b"`}, "a\uFFFDb", ""},
		{"high then high", []string{`"\ud83c"`, `"\ud83c"`, `"\udf89"`}, "\uFFFD🎉", ""},
		{"low alone", []string{`"\udf89b"`}, "\uFFFDb", ""},
		{"high inside", []string{`"a\ud83cb"`}, "a\uFFFDb", ""},
		{"high at the end", []string{`"end\ud83c"`}, "end\uFFFD", ""},
		{"by kind", []string{`r:"think\ud83c"`, `"text\ud83c"`, `"\udf89"`, `r:"\udf89"`}, "text🎉", "think🎉"},
		{"kinds do not mix", []string{`r:"think\ud83c"`, `"\udf89"`}, "\uFFFD", "think\uFFFD"},
		{"noncharacter kept", []string{`"\ufdd0\ue03c"`, "\"\uFDD0\uE789\""}, "\uFDD0\uE03C\uFDD0\uE789", ""},
	}
	for _, tt := range tests {
		text, reasoning := emitted(t, tt.deltas...)
		if text != tt.text || reasoning != tt.reasoning {
			t.Errorf("%s: text %q, reasoning %q; want %q, %q", tt.name, text, reasoning, tt.text, tt.reasoning)
		}
	}
}

func TestEmitterFlushesBeforeOtherChunks(t *testing.T) {
	ch := make(chan Chunk, 8)
	e := &Emitter{ctx: context.Background(), ch: ch}
	var v struct{ T string }
	json.Unmarshal(KeepSurrogates([]byte(`{"t":"a\ud83c"}`)), &v)
	e.Text(v.T)
	e.Usage(Usage{OutputTokens: 1})
	close(ch)
	var kinds []string
	for c := range ch {
		kinds = append(kinds, c.Kind.String()+" "+c.Text)
	}
	if want := []string{"text a", "text \uFFFD", "usage "}; !slices.Equal(kinds, want) {
		t.Errorf("chunks %q, want %q", kinds, want)
	}
	if e.Deltas() != 1 {
		t.Errorf("%d tokens, want 1", e.Deltas())
	}
}

// jsString encodes UTF-16 code units as a JSON string literal the way a
// JavaScript server does: a lone surrogate as a \u escape.
func jsString(units []uint16) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		switch {
		case utf16.IsSurrogate(u) && u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] <= 0xDFFF:
			u = utf16.DecodeRune(u, rune(units[i+1]))
			i++
		case utf16.IsSurrogate(u):
			fmt.Fprintf(&b, `\u%04x`, u)
			continue
		}
		lit, _ := json.Marshal(string(u))
		b.Write(lit[1 : len(lit)-1])
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzSplitSurrogates cuts a string into deltas at any UTF-16 code unit,
// as a JavaScript server may, and checks that what comes out of the
// Emitter is the string again.
func FuzzSplitSurrogates(f *testing.F) {
	f.Add("123456🎉 and 1", []byte{7})
	f.Add("🎉🎉x😀", []byte{1, 2, 3, 5})
	f.Add("a\uFDD0\uE03Cb\"\\\n", []byte{2, 3})
	f.Fuzz(func(t *testing.T, s string, cuts []byte) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		units := utf16.Encode([]rune(s))
		at := []int{0, len(units)}
		for _, c := range cuts {
			at = append(at, int(c)%(len(units)+1))
		}
		slices.Sort(at)
		var deltas []string
		for i := 1; i < len(at); i++ {
			if at[i] > at[i-1] {
				deltas = append(deltas, jsString(units[at[i-1]:at[i]]))
			}
		}
		if text, _ := emitted(t, deltas...); text != s {
			t.Fatalf("%q cut into %s: got %q", s, deltas, text)
		}
	})
}

// BenchmarkKeepSurrogates measures the check of a frame for split pairs:
// one without escapes, as most are; one with escapes, one with a \u
// escape that is no surrogate; one with a lone surrogate, rewritten.
func BenchmarkKeepSurrogates(b *testing.B) {
	for _, tc := range []struct{ name, content string }{
		{"plain", `hello `},
		{"escapes", `line\n \"quoted\"`},
		{"u-escape", `caf\u00e9`},
		{"lone", `123456\ud83c`},
	} {
		data := []byte(`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"` + tc.content + `"},"logprobs":null,"finish_reason":null}]}`)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				KeepSurrogates(data)
			}
		})
	}
}

// FuzzKeepSurrogates checks that a frame rewritten by KeepSurrogates is
// valid JSON exactly when the frame is, and that its markers read back
// give what encoding/json makes of the frame itself.
func FuzzKeepSurrogates(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\ud83c"`, `"\udf89\ud83c\udf89\ud83c"`, `"\\ud83c\\\ud83c"`, "\"\uFDD0\\ufdd0\"", `"\ud83c\u12"`, `"\ud83c\u"`, `"x\`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		marked := KeepSurrogates(data)
		if json.Valid(data) != json.Valid(marked) {
			t.Fatalf("%q is valid JSON: %v; rewritten %q: %v", data, json.Valid(data), marked, json.Valid(marked))
		}
		var want, got string
		if json.Unmarshal(data, &want) != nil {
			return
		}
		if err := json.Unmarshal(marked, &got); err != nil {
			t.Fatalf("%q decodes, rewritten %q does not: %v", data, marked, err)
		}
		var j joiner
		if s := j.join(got) + j.flush(); s != want {
			t.Fatalf("%q: read back %q, want %q", data, s, want)
		}
	})
}
