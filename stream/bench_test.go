package stream

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
)

// BenchmarkDecode measures decoding a 10 MB OpenAI-style stream. Besides
// MB/s it reports allocs/event, every allocation of the run divided by the
// events decoded (the event's own data string is one of them).
func BenchmarkDecode(b *testing.B) {
	in := chatserver.Transcript(10 << 20)
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

// Decoding costs at most one allocation per event beyond its data string:
// the type of a named event is interned, an unchanged ID is shared, and a
// new ID is the one extra.
func TestDecoderAllocs(t *testing.T) {
	var same, changing bytes.Buffer
	for i := range 1000 {
		fmt.Fprintf(&same, "id: 42\nevent: delta\ndata: {\"text\":\"word %d\"}\n\n: ping\n\n", i)
		fmt.Fprintf(&changing, "id: %d\ndata: {\"text\":\"word\"}\n\n", i)
	}
	for _, tt := range []struct {
		name string
		in   []byte
		max  float64 // allocations per event, the data string included
	}{
		{"same id and type", same.Bytes(), 1.05},
		{"new id each event", changing.Bytes(), 2.05},
	} {
		d := NewDecoder(bytes.NewReader(tt.in))
		d.SetMaxEventSize(1 << 10) // a small buffer, so that its allocation is not counted as per event
		allocs := testing.AllocsPerRun(1, func() {
			d = NewDecoder(bytes.NewReader(tt.in))
			for d.Next() {
			}
		})
		if per := allocs / 1000; per > tt.max {
			t.Errorf("%s: %.2f allocations per event, want at most %.2f", tt.name, per, tt.max)
		}
	}
}
