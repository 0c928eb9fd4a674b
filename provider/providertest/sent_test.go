package providertest

import (
	"testing"

	"github.com/parley-chat/parley/stream/streamtest"
)

// TestDecode checks that Decode returns a JSON body and fails the test on
// one that is not JSON.
func TestDecode(t *testing.T) {
	got := Decode[map[string]any](t, streamtest.Request{Body: []byte(`{"stream": true}`)})
	if got["stream"] != true {
		t.Errorf("Decode = %v", got)
	}
	rec := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != any(rec) {
				panic(p)
			}
		}()
		Decode[map[string]any](rec, streamtest.Request{Body: []byte("data: [DONE]")})
	}()
	if !rec.failed {
		t.Error("Decode of a body that is not JSON did not fail the test")
	}
}
