package stream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ResponseError reports a response that is not an event stream: a status
// other than 200 or 204, or a media type other than text/event-stream. The
// Client does not reconnect after it.
type ResponseError struct {
	StatusCode  int
	ContentType string
	Header      http.Header
	// Body is the start of the response body (up to 4 KiB).
	Body []byte
}

func (e *ResponseError) Error() string {
	var msg string
	if e.StatusCode != http.StatusOK {
		msg = fmt.Sprintf("stream: server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	} else {
		ct := e.ContentType
		if ct == "" {
			ct = "no content type"
		}
		msg = "stream: expected text/event-stream, got " + ct
	}
	if s := snippet(bytes.TrimSpace(e.Body), 120); len(e.Body) > 0 {
		msg += ": " + s
	}
	return msg
}

// RequestFunc makes the request for one connection. The Client calls it
// for the first connection and for every reconnection, so a POST body is
// sent afresh each time.
type RequestFunc func(ctx context.Context) (*http.Request, error)

// NewRequestFunc returns a RequestFunc for a request with the given method,
// URL, body (nil for none) and headers.
func NewRequestFunc(method, url string, body []byte, header http.Header) RequestFunc {
	return func(ctx context.Context) (*http.Request, error) {
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, url, r)
		if err != nil {
			return nil, err
		}
		for k, v := range header {
			req.Header[k] = append([]string(nil), v...)
		}
		return req, nil
	}
}

// isEventStream reports whether a Content-Type names text/event-stream,
// whatever its parameters.
func isEventStream(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}

// validHeaderValue reports whether an ID can be sent as a header value:
// it holds no control characters.
func validHeaderValue(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
