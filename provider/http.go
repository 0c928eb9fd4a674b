package provider

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// ResponseError turns a failed HTTP response into an *APIError holding the
// provider's own message and advice for the user. keyEnv names the
// environment variable the key comes from, for the advice on 401 and 403.
// It reads (a bounded part of) the body but does not close it.
func ResponseError(name string, resp *http.Response, keyEnv, model string) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{Provider: name, Status: resp.StatusCode}
	e.Type, e.Message = ErrorMessage(body)
	if e.Message == "" {
		e.Message = Snippet(body, 200)
	}
	now := time.Now()
	e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), now)
	e.Advice = adviceAt(resp.StatusCode, keyEnv, model, e.RetryAfter, now)
	return e
}

// ErrorMessage extracts the type and message of the error objects that the
// common provider APIs return: {"error": {"type", "code", "message"}},
// {"error": "message"}, {"message": "..."} and Anthropic's
// {"type": "error", "error": {...}}. Both are empty when body is not such
// an object.
func ErrorMessage(body []byte) (typ, msg string) {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		// Gemini wraps its error object in an array.
		var arr []json.RawMessage
		if json.Unmarshal(body, &arr) == nil && len(arr) > 0 {
			return ErrorMessage(arr[0])
		}
		return "", ""
	}
	if len(v.Error) > 0 {
		var s string
		if json.Unmarshal(v.Error, &s) == nil {
			return "", s
		}
		var obj struct {
			Type    string          `json:"type"`
			Code    json.RawMessage `json:"code"`
			Status  string          `json:"status"`
			Message string          `json:"message"`
		}
		if json.Unmarshal(v.Error, &obj) == nil {
			typ = obj.Type
			if typ == "" {
				typ = obj.Status
			}
			if typ == "" && len(obj.Code) > 0 {
				typ = strings.Trim(string(obj.Code), `"`)
			}
			return typ, obj.Message
		}
	}
	if v.Message != "" {
		return "", v.Message
	}
	return "", v.Detail
}

// Snippet returns the start of body as one printable line of at most n
// runes, for error messages.
func Snippet(body []byte, n int) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if n == 0 {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == ' ' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n--
		}
		space = false
		b.WriteRune(r)
		n--
	}
	return b.String()
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

// FormatWait says how long a wait is, to the second, without the zero
// units of Go's form: "20s", "1m30s", "1h0m" (not "1h0m0s").
func FormatWait(d time.Duration) string {
	if d >= time.Minute {
		d = d.Round(time.Second)
	} else if d >= time.Second {
		d = d.Round(100 * time.Millisecond)
	}
	s := d.String()
	if d >= time.Minute {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}

// retryWhen says when to retry after a wait of d from now: "after 20s"
// for a wait the retries would sit out, else "in 1h0m, at 15:04" (with
// the date when it is not today), for the user to come back.
func retryWhen(d time.Duration, now time.Time) string {
	if d <= MaxWait {
		return "after " + FormatWait(d)
	}
	at := now.Add(d)
	clock := at.Format("15:04")
	switch y, m, day := at.Date(); {
	case y != now.Year():
		clock = at.Format("Jan 2 2006 15:04")
	case m != now.Month() || day != now.Day():
		clock = at.Format("Jan 2 15:04")
	}
	return "in " + FormatWait(d) + ", at " + clock
}

// Advice returns the advice that ResponseError gives for an HTTP status:
// keyEnv names the key's variable (401, 403), model the model (404), wait
// the Retry-After delay (429). Backends that see statuses through another
// client's errors use it.
func Advice(status int, keyEnv, model string, wait time.Duration) string {
	return adviceAt(status, keyEnv, model, wait, time.Now())
}

func adviceAt(status int, keyEnv, model string, wait time.Duration, now time.Time) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		if keyEnv != "" {
			return "check the API key in " + keyEnv
		}
		return "check the API key"
	case http.StatusNotFound:
		if model != "" {
			return "is the model name " + strconv.Quote(model) + " right? try --list-models"
		}
		return "check --base-url"
	case http.StatusRequestEntityTooLarge:
		return "the request is too large; shorten the prompt or the history"
	case http.StatusTooManyRequests:
		if wait > 0 {
			return "rate limited; retry " + retryWhen(wait, now)
		}
		return "rate limited; wait a moment and retry"
	}
	if status >= 500 {
		if wait > 0 {
			return "the provider is having trouble; retry " + retryWhen(wait, now)
		}
		return "the provider is having trouble; try again shortly"
	}
	return ""
}
