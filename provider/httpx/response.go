package httpx

import (
	"errors"
	"html"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// ResponseError turns a failed HTTP response into a *provider.APIError
// holding the provider's own message and advice for the user. keyEnv names
// the environment variable the key comes from, for the advice on 401 and
// 403. It reads (a bounded part of) the body but does not close it.
func ResponseError(name string, resp *http.Response, keyEnv, model string) *provider.APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &provider.APIError{Provider: name, Status: resp.StatusCode, StatusText: http.StatusText(resp.StatusCode)}
	e.Type, e.Message = provider.ErrorMessage(body)
	if e.Message == "" && isHTML(resp.Header.Get("Content-Type")) {
		e.Message = provider.Snippet(htmlText(body), 200)
	}
	if e.Message == "" {
		e.Message = provider.Snippet(body, 200)
	}
	e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	e.Advice = provider.Advice(resp.StatusCode, keyEnv, model, e.RetryAfter)
	if resp.StatusCode == http.StatusNotFound && model != "" && !strings.Contains(strings.ToLower(string(body)), "model") {
		// A 404 that names no model is a path the server does not have
		// (openai-mock-api's {"error":"Not found"}, FastAPI's "Not Found",
		// Go's "404 page not found"): the base URL is the likelier fault.
		e.Advice = "check --base-url"
		if resp.Request != nil && resp.Request.URL != nil {
			e.Advice += ": the server has nothing at " + resp.Request.URL.Path
		}
		e.Advice += "; or is the model name " + strconv.Quote(model) + " wrong?"
	}
	return e
}

// maxRetryAfter bounds the Retry-After delay that is kept, so that a huge
// value neither overflows a time.Duration nor reads as nonsense.
const maxRetryAfter = 366 * 24 * time.Hour

// retryAfter reads a Retry-After header: seconds, or an HTTP date. 0 means
// none (or one in the past).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

func isHTML(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/html"
}

var (
	// htmlHidden is what a page does not show: its head, scripts, styles
	// and comments.
	htmlHidden = regexp.MustCompile(`(?is)<(head|script|style)\b.*?</(head|script|style)\s*>|<!--.*?-->`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// htmlText returns the text an HTML error page shows, for the one line of
// its error: express's "Cannot POST /v2/chat/completions" rather than its
// markup, nginx's "502 Bad Gateway nginx".
func htmlText(b []byte) []byte {
	s := htmlHidden.ReplaceAllString(string(b), " ")
	s = html.UnescapeString(htmlTag.ReplaceAllString(s, " "))
	return []byte(s)
}
