package providertest

import (
	"strings"

	"github.com/parley-chat/parley/provider"
)

// Sink is a provider.Sink that records the text and reasoning a decoder
// sends it, for tests of a backend's decoder on its own (fuzz targets,
// benchmarks). Every method reports true: the stream is never cancelled.
type Sink struct {
	text, reasoning strings.Builder
	n               int
}

var _ provider.Sink = (*Sink)(nil)

// Text records a delta of the answer.
func (s *Sink) Text(x string) bool { s.n++; s.text.WriteString(x); return true }

// Reasoning records a delta of the reasoning.
func (s *Sink) Reasoning(x string) bool { s.n++; s.reasoning.WriteString(x); return true }

// Progress is accepted and dropped.
func (s *Sink) Progress(float64, string) bool { return true }

// Usage is accepted and dropped.
func (s *Sink) Usage(provider.Usage) bool { return true }

// Notice is accepted and dropped.
func (s *Sink) Notice(string) bool { return true }

// Deltas is the number of text and reasoning deltas so far.
func (s *Sink) Deltas() int { return s.n }

// Result returns the text and the reasoning recorded.
func (s *Sink) Result() (text, reasoning string) { return s.text.String(), s.reasoning.String() }

// Reset forgets what was recorded.
func (s *Sink) Reset() { s.text.Reset(); s.reasoning.Reset(); s.n = 0 }
