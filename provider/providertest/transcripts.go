package providertest

import (
	"net/http"
	"strconv"
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// Main runs a backend package's tests and then fails them if a goroutine
// outlived them. Call it from TestMain.
func Main(m *testing.M) { goleak.VerifyTestMain(m) }

// Case is a wire transcript in testdata and the answer that streaming it
// must give.
type Case struct {
	File string
	Answer
}

// Transcripts streams req from the provider that newProvider makes for a
// server that sends each case's transcript, as contentType ("" for
// text/event-stream), in writes of each of sizes, and checks that the
// stream finishes with the case's answer: what arrives must not depend on
// how the bytes are split.
func Transcripts(t *testing.T, newProvider NewFunc, req provider.Request, contentType string, sizes []int, cases ...Case) {
	t.Helper()
	for _, c := range cases {
		for _, size := range sizes {
			t.Run(c.File+"/"+strconv.Itoa(size), func(t *testing.T) {
				resp := streamtest.Stream(streamtest.Chunks(Transcript(t, c.File), size))
				if contentType != "" {
					resp.Header = http.Header{"Content-Type": {contentType}}
				}
				srv := streamtest.NewServer(t, resp)
				Finished(t, Stream(t, newProvider(srv, provider.Options{}), req), c.Answer)
			})
		}
	}
}
