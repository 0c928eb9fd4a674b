package provider

// The words of a provider's error: its own message, taken from the error
// objects of the common APIs, and the advice for an HTTP status. Package
// httpx reads the failed responses (httpx.ResponseError).

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

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
			code := strings.Trim(string(obj.Code), `"`)
			if (typ == "" && len(obj.Code) > 0) || temporaryTypes[code] {
				// OpenAI's rate limits are of type "requests" or "tokens":
				// the code says what they are.
				typ = code
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

// Advice returns the advice that httpx.ResponseError gives for an HTTP status:
// keyEnv names the key's variable (401, 403), model the model (404), wait
// the Retry-After delay (429). Backends that see statuses through another
// client's errors use it.
func Advice(status int, keyEnv, model string, wait time.Duration) string {
	return adviceAt(status, keyEnv, model, wait, time.Now())
}

func adviceAt(status int, keyEnv, model string, wait time.Duration, now time.Time) string {
	switch status {
	case 401, 403: // Unauthorized, Forbidden
		if keyEnv != "" {
			return "check the API key in " + keyEnv
		}
		return "check the API key"
	case 404: // Not Found
		if model != "" {
			return "is the model name " + strconv.Quote(model) + " right? try --list-models"
		}
		return "check --base-url"
	case 413: // Content Too Large
		return "the request is too large; shorten the prompt or the history"
	case 429: // Too Many Requests
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
