package stream

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/parley-chat/parley/stream/streamtest"
)

// BenchmarkDecode measures decoding a 10 MB OpenAI-style stream. Besides
// MB/s it reports allocs/event, every allocation of the run divided by the
// events decoded (the event's own data string is one of them).
func BenchmarkDecode(b *testing.B) {
	in := streamtest.OpenAIStream(10 << 20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	events := 0
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in))
		for d.Next() {
			events++
		}
		if d.Err() != nil {
			b.Fatal(d.Err())
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

// BenchmarkNDJSON measures the NDJSON reader on Ollama-style lines.
func BenchmarkNDJSON(b *testing.B) {
	var in bytes.Buffer
	for in.Len() < 10<<20 {
		in.WriteString(`{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z","message":{"role":"assistant","content":" word"},"done":false}` + "\n")
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		n := NewNDJSON(bytes.NewReader(in.Bytes()))
		for n.Next() {
		}
		if n.Err() != nil {
			b.Fatal(n.Err())
		}
	}
}
