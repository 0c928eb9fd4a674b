package provider

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Explained is an error that carries its own words for a person, put
// together where the raw error was classified: the errors of this package
// (APIError, NetError, LostError, TimeoutError, KeyError) are. Error is
// the one line the command line prints; Title and Explain are what the chat
// shows, a headline and the sentences under it. Whoever renders an error
// finds its words with errors.As and never looks into its fields to
// classify it again.
type Explained interface {
	error
	// Title is a short headline: "openai refused the key (401)".
	Title() string
	// Explain says what happened and what the user can do about it, in
	// sentences.
	Explain() string
}

// The words that a time limit and a missing key are explained with.
const (
	TimeoutTitle = "The request timed out"
	TimeoutHint  = "Try again, or raise --timeout / --idle-timeout."
	NoKeyTitle   = "No API key"
	NoKeyHint    = "Set the provider's key in the environment or api_key_cmd in the config."
)

var (
	_ Explained = (*APIError)(nil)
	_ Explained = (*NetError)(nil)
	_ Explained = (*LostError)(nil)
	_ Explained = (*TimeoutError)(nil)
	_ Explained = (*KeyError)(nil)
)

// lostWhat is how a LostError begins: the connection was lost, unless a
// time limit ended it.
func (e *LostError) lostWhat() string {
	var te *TimeoutError
	if errors.As(e.Err, &te) {
		return "answer incomplete"
	}
	return "connection lost"
}

// Title is the start of Error as a headline: what ended the answer and
// after how many tokens.
func (e *LostError) Title() string {
	return Capital(e.lostWhat()) + " after " + strconv.Itoa(e.Deltas) + " tokens"
}

// Explain names the cause, unless there is none or it is a cancellation.
// The chat says before it where the incomplete answer is kept.
func (e *LostError) Explain() string {
	if e.Err == nil || errors.Is(e.Err, context.Canceled) {
		return ""
	}
	return "Cause: " + e.Err.Error()
}

// Line is the one line the command line prints: a network fault in the
// words it was classified with, without what wraps it on the way.
func (e *LostError) Line() string {
	var ne *NetError
	if errors.As(e.Err, &ne) {
		return e.lostWhat() + " after " + strconv.Itoa(e.Deltas) + " tokens: " + ne.Error()
	}
	return e.Error()
}

// Title says who did what, with the HTTP status.
func (e *APIError) Title() string {
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

// Explain is the provider's own message (or its error type), then the
// advice.
func (e *APIError) Explain() string {
	msg := e.Message
	if msg == "" {
		msg = e.Type
	}
	if e.Advice == "" {
		return msg
	}
	return Sentences(msg, e.Advice)
}

// Title names the kind of fault.
func (e *NetError) Title() string {
	switch e.Kind {
	case NetDNS:
		return "Cannot find the server " + e.Host
	case NetTLS:
		return "The server's certificate is not trusted"
	case NetRedirect:
		return "Redirect to another server refused"
	case NetReset, NetClosed:
		return "The server dropped the connection"
	}
	return "Cannot connect to the server"
}

// Explain is the fault's words, then the advice as a sentence.
func (e *NetError) Explain() string {
	if e.Advice == "" {
		return e.Words
	}
	return Sentences(e.Words, Capital(e.Advice))
}

// Line is the one line the command line prints: the fault's own words,
// without what wraps it on the way.
func (e *NetError) Line() string { return e.Error() }

// Title is TimeoutTitle.
func (e *TimeoutError) Title() string { return TimeoutTitle }

// Explain says which limit ran out, then TimeoutHint.
func (e *TimeoutError) Explain() string { return Sentences(e.Error(), TimeoutHint) }

// KeyError reports an endpoint that needs a key and has none. It is
// ErrNoKey (errors.Is).
type KeyError struct {
	Provider string // the endpoint's name
	Set      string // what to set: "OPENAI_API_KEY", or words for several
}

func (e *KeyError) Error() string {
	return ErrNoKey.Error() + " for " + e.Provider + ": set " + e.Set
}

// Unwrap returns ErrNoKey.
func (e *KeyError) Unwrap() error { return ErrNoKey }

// Title is NoKeyTitle.
func (e *KeyError) Title() string { return NoKeyTitle }

// Explain says which key is missing, then NoKeyHint.
func (e *KeyError) Explain() string { return Sentences(e.Error(), NoKeyHint) }

// Sentences joins two sentences: a gets a full stop if it has none. b
// alone is returned when a is blank, a alone when b is empty.
func Sentences(a, b string) string {
	if b == "" {
		return a
	}
	a = strings.TrimSpace(a)
	if a == "" {
		return b
	}
	if !strings.HasSuffix(a, ".") && !strings.HasSuffix(a, "!") && !strings.HasSuffix(a, "?") {
		a += "."
	}
	return a + " " + b
}

// Capital returns s, a phrase in lower case, as the start of a sentence.
func Capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
