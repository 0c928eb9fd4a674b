package openai

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
	"github.com/parley-chat/parley/stream/streamtest"
)

// answer builds a stream of n content deltas, as a fast model sends them.
func answer(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},\"finish_reason\":null}]}\n\n", i)
	}
	b.WriteString("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1000}}\n\ndata: [DONE]\n\n")
	return b.String()
}

// BenchmarkStream measures a whole answer of 1,000 deltas through HTTP,
// the SSE decoder, the chunk parser and the chunk channel.
func BenchmarkStream(b *testing.B) {
	body := answer(1000)
	srv := streamtest.NewServerFunc(b, func(int, *http.Request) streamtest.Response {
		return streamtest.Stream(streamtest.Chunks(body, 4096))
	})
	c := newClient(srv, provider.Options{})
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		r := providertest.Stream(b, c, hello)
		if r.Err != nil || r.Deltas != 1000 {
			b.Fatalf("%d deltas, %v", r.Deltas, r.Err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkParseChunk measures the chunk parser alone, on a chunk
// without escapes, as most are, and on one with (which the check for
// split surrogate pairs scans).
func BenchmarkParseChunk(b *testing.B) {
	for _, tc := range []struct{ name, content string }{{"plain", `hello `}, {"escapes", `line\n \"quoted\" \u00e9`}} {
		data := []byte(`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + tc.content + `"},"finish_reason":null}]}`)
		b.Run(tc.name, func(b *testing.B) {
			s := &providertest.Sink{}
			d := decoder{name: "openai"}
			for b.Loop() {
				if _, err := d.handle(data, s); err != nil {
					b.Fatal(err)
				}
				s.Reset()
			}
		})
	}
}
