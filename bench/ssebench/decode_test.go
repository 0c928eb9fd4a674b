// Package ssebench compares stream.Decoder with github.com/tmaxmax/go-sse
// on the same input, in the same run: speed, allocations, and the points of
// the WHATWG rules where they differ.
package ssebench

import (
	"bytes"
	"runtime"
	"testing"

	sse "github.com/tmaxmax/go-sse"
	"go.uber.org/goleak"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/stream"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var input = chatserver.Transcript(10 << 20)

// perEvent reports every allocation of the run divided by the events
// decoded, and the throughput in CPU time of the decoding thread
// (cpu-MB/s: garbage collection on other threads is not counted), beside
// the usual wall-clock figures.
func perEvent(b *testing.B, decode func([]byte) int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := threadCPU()
	events := 0
	for b.Loop() {
		events += decode(input)
	}
	cpu := threadCPU() - cpu0
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(events), "allocs/event")
	if cpu > 0 {
		b.ReportMetric(float64(len(input))*float64(b.N)/(float64(cpu)/1e9)/1e6, "cpu-MB/s")
	}
}

func decodeParley(in []byte) int {
	d := stream.NewDecoder(bytes.NewReader(in))
	n := 0
	for d.Next() {
		n++
	}
	if d.Err() != nil {
		panic(d.Err())
	}
	return n
}

func decodeGoSSE(in []byte) int {
	n := 0
	for _, err := range sse.Read(bytes.NewReader(in), &sse.ReadConfig{MaxEventSize: stream.DefaultMaxEventSize}) {
		if err != nil {
			panic(err)
		}
		n++
	}
	return n
}

func BenchmarkDecode(b *testing.B) {
	b.Run("parley", func(b *testing.B) { perEvent(b, decodeParley) })
	b.Run("go-sse", func(b *testing.B) { perEvent(b, decodeGoSSE) })
}

// Both decoders see the same events in the benchmark's input.
func TestSameEvents(t *testing.T) {
	var ours, theirs []string
	d := stream.NewDecoder(bytes.NewReader(input))
	for d.Next() {
		ours = append(ours, d.Event().Data)
	}
	for ev, err := range sse.Read(bytes.NewReader(input), &sse.ReadConfig{MaxEventSize: stream.DefaultMaxEventSize}) {
		if err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, ev.Data)
	}
	if len(ours) < 30000 || len(ours) != len(theirs) {
		t.Fatalf("%d events against %d", len(ours), len(theirs))
	}
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Fatalf("event %d: %q against %q", i, ours[i], theirs[i])
		}
	}
}
