package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
)

// describe turns err into a title and an explanation a person understands,
// with the provider's own words and advice when it gave them.
func describe(err error) (title, detail string) {
	var (
		apiErr  *provider.APIError
		lost    *provider.LostError
		netErr  *provider.NetError
		timeout interface{ Timeout() bool }
	)
	switch {
	// A lost connection first: it may wrap an APIError (a failed
	// resumption, an error event after tokens), and what matters most is
	// that the answer above is incomplete.
	case errors.As(err, &lost):
		title = "Connection lost after " + strconv.Itoa(lost.Deltas) + " tokens"
		detail = "What arrived is kept above; it is incomplete."
		if lost.Err != nil && !errors.Is(lost.Err, context.Canceled) {
			detail = joinSentences(detail, "Cause: "+lost.Err.Error())
		}
	case errors.As(err, &apiErr):
		title = apiTitle(apiErr)
		detail = apiErr.Message
		if detail == "" {
			detail = apiErr.Type
		}
		if apiErr.Advice != "" {
			detail = joinSentences(detail, apiErr.Advice)
		}
	// A network fault comes classified, in its own words, from the provider.
	case errors.As(err, &netErr):
		title = netTitle(netErr)
		detail = netErr.Words
		if netErr.Advice != "" {
			detail = joinSentences(detail, capitalize(netErr.Advice))
		}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		title = "The request timed out"
		detail = joinSentences(err.Error(), "Try again, or raise --timeout / --idle-timeout.")
	case errors.Is(err, provider.ErrNoKey):
		title = "No API key"
		detail = joinSentences(err.Error(), "Set the provider's key in the environment or api_key_cmd in the config.")
	case errors.Is(err, provider.ErrIncomplete):
		title = "The answer ended early"
		detail = joinSentences(err.Error(), "What arrived is kept above; it is incomplete.")
	default:
		title = "The request failed"
		detail = err.Error()
	}
	return termsafe.Sanitize(title), termsafe.Sanitize(detail)
}

func netTitle(e *provider.NetError) string {
	switch e.Kind {
	case provider.NetDNS:
		return "Cannot find the server " + e.Host
	case provider.NetTLS:
		return "The server's certificate is not trusted"
	case provider.NetRedirect:
		return "Redirect to another server refused"
	case provider.NetReset, provider.NetClosed:
		return "The server dropped the connection"
	}
	return "Cannot connect to the server"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func apiTitle(e *provider.APIError) string {
	who := e.Provider
	if who == "" {
		who = "The provider"
	}
	switch {
	case e.Status == 0:
		return who + " reported an error"
	case e.Status == 401 || e.Status == 403:
		return who + " refused the key (" + strconv.Itoa(e.Status) + ")"
	case e.Status == 429:
		return who + " is rate limiting requests (429)"
	case e.Status >= 500:
		return who + " had a server error (" + strconv.Itoa(e.Status) + ")"
	}
	return who + " rejected the request (" + strconv.Itoa(e.Status) + ")"
}

func joinSentences(a, b string) string {
	a = strings.TrimSpace(a)
	if a == "" {
		return b
	}
	if !strings.HasSuffix(a, ".") && !strings.HasSuffix(a, "!") && !strings.HasSuffix(a, "?") {
		a += "."
	}
	return a + " " + b
}
