package providertest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// FaultStatuses are the HTTP errors every provider must report with the
// status, the provider's own message and advice.
var FaultStatuses = []int{400, 401, 403, 404, 413, 429, 500, 503}

// httpFaults answers b's request with each of FaultStatuses in turn, and
// checks the error: an *APIError naming the status and the message of the
// body, with advice for all but 400, and b's key nowhere in it.
func httpFaults(t *testing.T, b Backend) {
	for _, status := range FaultStatuses {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			msg := "provider says " + http.StatusText(status)
			body := `{"error":{"message":"` + msg + `","type":"test_error"}}`
			srv := streamtest.NewServer(t, streamtest.Status(status, "application/json", body))
			r := b.stream(t, srv, provider.Options{})
			var ae *provider.APIError
			if !errors.As(r.Err, &ae) {
				t.Fatalf("error %v is not an *APIError", r.Err)
			}
			got := r.Err.Error()
			if ae.Status != status || !strings.Contains(got, strconv.Itoa(status)) || !strings.Contains(got, msg) {
				t.Errorf("error %q: want status %d and %q", got, status, msg)
			}
			if status != http.StatusBadRequest && ae.Advice == "" {
				t.Errorf("error %q has no advice", got)
			}
			if b.Key != "" {
				NoSecret(t, b.Key, got)
			}
		})
	}
}

// Fault is a scripted answer to a backend's request and the failure it
// must end in, for Failures.
type Fault struct {
	Name string
	// Resp answers the request; More answers the requests that follow
	// it (a retry, a reconnection), in order. The backend must make no
	// other request.
	Resp streamtest.Response
	More []streamtest.Response
	// Options are the backend's (no retries unless Retry is set).
	Options provider.Options
	// Want, Is and Partial are as in Failure; Reasoning is the reasoning
	// that arrived before the failure, always checked.
	Want      []string
	Is        error
	Partial   string
	Reasoning string
}

// Failures streams b's request from a server that gives each fault's
// answers, and checks that the stream fails as the fault says, with b's
// key nowhere in the error, after as many requests as the fault scripts.
func Failures(t *testing.T, b Backend, faults ...Fault) {
	t.Helper()
	for _, f := range faults {
		t.Run(f.Name, func(t *testing.T) {
			srv := streamtest.NewServer(t, append([]streamtest.Response{f.Resp}, f.More...)...)
			r := b.stream(t, srv, f.Options)
			Failed(t, r, Failure{Want: f.Want, Is: f.Is, Partial: f.Partial, Reasoning: &f.Reasoning, Secret: b.Key})
			if n := len(srv.Requests()); n != 1+len(f.More) {
				t.Errorf("%d requests for %d scripted answers", n, 1+len(f.More))
			}
		})
	}
}
