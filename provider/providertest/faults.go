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

// HTTPFaults answers a request of p, built by newProvider for the test
// server's URL, with each of FaultStatuses in turn, and checks the error:
// an *APIError naming the status and the message of the body, with advice
// for all but 400, and the key nowhere in it. p must not retry.
func HTTPFaults(t *testing.T, key string, newProvider func(srv *streamtest.Server) provider.Provider, req provider.Request) {
	t.Helper()
	for _, status := range FaultStatuses {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			msg := "provider says " + http.StatusText(status)
			body := `{"error":{"message":"` + msg + `","type":"test_error"}}`
			srv := streamtest.NewServer(t, streamtest.Status(status, "application/json", body))
			r := Stream(t, newProvider(srv), req)
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
			if key != "" {
				NoSecret(t, key, got)
			}
		})
	}
}
