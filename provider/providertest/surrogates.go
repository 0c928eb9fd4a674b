package providertest

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// Deltas builds a backend's finished answer whose text arrives as one
// delta per literal, each a JSON string literal, quotes included, to put
// in the frame as it is.
type Deltas func(literals ...string) string

// Surrogates checks a JSON wire against a server that cuts its strings by
// UTF-16 code unit, as JavaScript servers do: the halves of a pair split
// across two text deltas make one character, and a lone half, also one
// held back when the answer ends, is U+FFFD. The answer must finish.
func Surrogates(t *testing.T, b Backend, contentType string, body Deltas) {
	t.Helper()
	tests := []struct {
		name   string
		deltas []string
		text   string
	}{
		{"split pair", []string{`"123456\ud83c"`, `"\udf89 and 1"`}, "123456🎉 and 1"},
		{"split pairs in a row", []string{`"\ud83c"`, `"\udf89\ud83c"`, `"\udf89!"`}, "🎉🎉!"},
		{"whole pair", []string{`"a \ud83c\udf89"`}, "a 🎉"},
		{"high then text", []string{`"a\ud83c"`, `"b"`}, "a\uFFFDb"},
		{"low alone", []string{`"a"`, `"\udf89b"`}, "a\uFFFDb"},
		{"high at the end", []string{`"the end\ud83c"`}, "the end\uFFFD"},
		{"noncharacter", []string{`"\ufdd0\ue03c"`}, "\uFDD0\uE03C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, streamtest.Response{Header: http.Header{"Content-Type": {contentType}},
				Steps: []streamtest.Step{streamtest.Chunks(body(tt.deltas...), 5)}})
			r := b.stream(t, srv, provider.Options{})
			if r.Err != nil || !r.Finished || r.Text != tt.text {
				t.Errorf("got text %q, finished %v, error %v; want %q finished", r.Text, r.Finished, r.Err, tt.text)
			}
		})
	}
}
