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

// Backend is a backend under test, as the shared tests (Transcripts,
// Surrogates, Faults) make and call it.
type Backend struct {
	// New builds it for a test server.
	New NewFunc
	// Request is what the tests send it.
	Request provider.Request
	// Key is its API key, which no error may show; "" for none.
	Key string
}

// For returns newC, a backend's test constructor, as a NewFunc.
func For[C provider.Provider](newC func(*streamtest.Server, provider.Options) C) NewFunc {
	return func(srv *streamtest.Server, o provider.Options) provider.Provider { return newC(srv, o) }
}

// stream sends b's request to the backend made for srv with o.
func (b Backend) stream(t testing.TB, srv *streamtest.Server, o provider.Options) Result {
	t.Helper()
	return Stream(t, b.New(srv, o), b.Request)
}

// Transcripts streams b's request from a server that sends each case's
// transcript, as contentType ("" for text/event-stream), in writes of each
// of sizes, and checks that the stream finishes with the case's answer:
// what arrives must not depend on how the bytes are split.
func Transcripts(t *testing.T, b Backend, contentType string, sizes []int, cases ...Case) {
	t.Helper()
	for _, c := range cases {
		for _, size := range sizes {
			t.Run(c.File+"/"+strconv.Itoa(size), func(t *testing.T) {
				resp := streamtest.Stream(streamtest.Chunks(Transcript(t, c.File), size))
				if contentType != "" {
					resp.Header = http.Header{"Content-Type": {contentType}}
				}
				srv := streamtest.NewServer(t, resp)
				Finished(t, b.stream(t, srv, provider.Options{}), c.Answer)
			})
		}
	}
}
