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

// HTTPFaults answers b's request with each of FaultStatuses in turn, and
// checks the error: an *APIError naming the status and the message of the
// body, with advice for all but 400, and b's key nowhere in it.
func HTTPFaults(t *testing.T, b Backend) {
	t.Helper()
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
