package provider

import (
	"errors"
	"strings"
)

// This file is the one scrubbing step: every Error and Notice chunk of a
// stream (Emitter.send) and every error that a provider returns outside a
// stream (httpx.GetJSON, for --list-models) passes through it, with the
// secrets of the request, whether the text came from an HTTP status, from
// inside the stream, or from Go's own messages.

// minSecret is the length below which a secret is not scrubbed: replacing
// every "ab" in a message would say more about the key than it hides.
const minSecret = 4

// secrets returns what must never appear in output: the endpoint's key.
func (ep Endpoint) secrets() []string {
	if len(ep.APIKey) < minSecret {
		return nil
	}
	return []string{ep.APIKey}
}

// Scrub returns err with the endpoint's key replaced by "[key]" wherever
// it appears: in the message and in the fields of the typed errors of its
// chain, which the views show on their own. A backend that reports errors
// outside Start and httpx's Open and GetJSON calls it.
func (ep Endpoint) Scrub(err error) error { return scrubError(err, ep.secrets()) }

// ScrubText returns s with the endpoint's key replaced by "[key]", for
// text that is not an error (a line of the debug log, say).
func (ep Endpoint) ScrubText(s string) string { return scrubString(s, ep.secrets()) }

func scrubString(s string, secrets []string) string {
	for _, k := range secrets {
		if len(k) >= minSecret {
			s = strings.ReplaceAll(s, k, "[key]")
		}
	}
	return s
}

func holds(s string, secrets []string) bool { return scrubString(s, secrets) != s }

// scrubError returns err unchanged when no secret appears in its message,
// else a copy of its chain with every secret replaced: each typed error
// (APIError, LostError, NetError, TimeoutError) is copied with its fields
// scrubbed, and any other link keeps its place in the chain behind a
// scrubbed message. Sentinel errors hold no secret and stay themselves,
// so errors.Is still finds them.
func scrubError(err error, secrets []string) error {
	if err == nil || len(secrets) == 0 || !holds(err.Error(), secrets) {
		return err
	}
	s := func(e error) error { return scrubError(e, secrets) }
	switch e := err.(type) {
	case *APIError:
		c := *e
		c.Message, c.Type, c.Advice = scrubString(c.Message, secrets), scrubString(c.Type, secrets), scrubString(c.Advice, secrets)
		return &c
	case *LostError:
		return &LostError{Deltas: e.Deltas, Err: s(e.Err)}
	case *NetError:
		c := *e
		c.Words, c.Advice, c.Host, c.Err = scrubString(c.Words, secrets), scrubString(c.Advice, secrets), scrubString(c.Host, secrets), s(c.Err)
		return &c
	case *TimeoutError:
		return &TimeoutError{Limit: e.Limit, Idle: e.Idle, Err: s(e.Err)}
	case *scrubbed:
		return &scrubbed{msg: scrubString(e.msg, secrets), errs: scrubAll(e.errs, secrets)}
	case interface{ Unwrap() []error }:
		return &scrubbed{msg: scrubString(err.Error(), secrets), errs: scrubAll(e.Unwrap(), secrets)}
	}
	var inner []error
	if u := errors.Unwrap(err); u != nil {
		inner = []error{s(u)}
	}
	return &scrubbed{msg: scrubString(err.Error(), secrets), errs: inner}
}

func scrubAll(errs []error, secrets []string) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = scrubError(e, secrets)
	}
	return out
}

// scrubbed is a link of an error chain whose message had a secret.
type scrubbed struct {
	msg  string
	errs []error
}

func (s *scrubbed) Error() string { return s.msg }

// Unwrap returns the scrubbed rest of the chain.
func (s *scrubbed) Unwrap() []error { return s.errs }

// scrubChunk scrubs the text and error of a chunk that may quote a server
// (a notice or an error); the answer's own text is left alone.
func scrubChunk(c Chunk, secrets []string) Chunk {
	if len(secrets) == 0 {
		return c
	}
	switch c.Kind {
	case KindNotice, KindError, KindProgress:
		c.Text = scrubString(c.Text, secrets)
		c.Err = scrubError(c.Err, secrets)
	}
	return c
}
