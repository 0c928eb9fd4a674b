package providertest

import (
	"encoding/json"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// Sent streams req through b, made for a server that answers with resp,
// and returns the one request b sent and its JSON body decoded into T:
// what the request test of every backend checks. The answer itself is
// left to the other tests.
func Sent[T any](t testing.TB, b Backend, resp streamtest.Response, req provider.Request) (streamtest.Request, T) {
	t.Helper()
	srv := streamtest.NewServer(t, resp)
	Stream(t, b.New(srv, provider.Options{}), req)
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests sent, want 1", len(reqs))
	}
	return reqs[0], Decode[T](t, reqs[0])
}

// Decode returns the JSON body of r, a request a backend sent, decoded
// into T; it fails the test when the body is not such JSON.
func Decode[T any](t testing.TB, r streamtest.Request) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("request body %s: %v", r.Body, err)
	}
	return v
}
