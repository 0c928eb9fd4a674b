package openai

import (
	"encoding/json"
	"reflect"
	"testing"
)

var fastCases = []struct {
	data string
	fast bool // the fast path takes it
}{
	{`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hello "},"finish_reason":null}]}`, true},
	{`{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}`, true},
	{`{"choices":[{"delta":{"content":"a\nb \"q\" \u00e9 \ud83d\ude00 \ud800x"}}]}`, true},
	{`{"choices":[{"delta":{"reasoning_content":"think","content":null},"finish_reason":"stop"}]}`, true},
	{` { "choices" : [ ] , "x" : [1, -2.5e3, true, false, null, {"y": "z"}] } `, true},
	{`{"choices":[{"index":1,"delta":{"content":"second"}}]}`, true},
	{`{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}`, false},
	{`{"error":{"message":"boom"}}`, false},
	{`{"Choices":[{"delta":{"content":"case"}}]}`, false},
	{`{"choices":[{"Delta":{"content":"case"}}]}`, false},
	{`{"choices":[{"delta":{"content":"a"}}]} trailing`, false},
	{`{"choices":[{"delta":{"content":"\x"}}]}`, false},
	{`{"choices":[{"delta":{"content":"` + "\xff" + `"}}]}`, false},
	{`{"choices":[{"index":01}]}`, false},
	{`null`, false},
	{`{"choices":[{"delta":{"content":"a"}},]}`, false},
}

func TestParseFastAgreesWithEncodingJSON(t *testing.T) {
	for _, tc := range fastCases {
		var fast chunk
		took := parseFast([]byte(tc.data), &fast)
		if took != tc.fast {
			t.Errorf("%s: fast path took it: %v, want %v", tc.data, took, tc.fast)
		}
		if !took {
			continue
		}
		var slow chunk
		if err := json.Unmarshal([]byte(tc.data), &slow); err != nil {
			t.Errorf("%s: fast path took what encoding/json refuses: %v", tc.data, err)
		}
		if !reflect.DeepEqual(norm(fast), norm(slow)) {
			t.Errorf("%s:\nfast %+v\nslow %+v", tc.data, fast, slow)
		}
	}
}

// norm makes an empty slice and a nil one compare equal.
func norm(c chunk) chunk {
	if len(c.Choices) == 0 {
		c.Choices = nil
	}
	return c
}

// FuzzParseFast checks that whatever the fast path accepts, encoding/json
// accepts too, with the same result.
func FuzzParseFast(f *testing.F) {
	for _, tc := range fastCases {
		f.Add([]byte(tc.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast chunk
		if !parseFast(data, &fast) {
			return
		}
		var slow chunk
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatalf("fast path took what encoding/json refuses (%v): %q", err, data)
		}
		if !reflect.DeepEqual(norm(fast), norm(slow)) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", data, fast, slow)
		}
	})
}

var benchChunk = []byte(`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}]}`)

// BenchmarkParseFast and BenchmarkParseEncodingJSON parse the same common
// chunk with the fast path and with encoding/json, side by side.
func BenchmarkParseFast(b *testing.B) {
	for b.Loop() {
		var ch chunk
		if !parseFast(benchChunk, &ch) {
			b.Fatal("declined")
		}
	}
}

func BenchmarkParseEncodingJSON(b *testing.B) {
	for b.Loop() {
		var ch chunk
		if err := json.Unmarshal(benchChunk, &ch); err != nil {
			b.Fatal(err)
		}
	}
}
