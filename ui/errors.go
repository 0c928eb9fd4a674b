package ui

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
)

// kept is what the chat adds to the words of an answer that ended early.
const kept = "What arrived is kept above; it is incomplete."

// describe renders err as a title and an explanation a person
// understands: the words the error was classified with where it was seen
// (provider.Explained), and where an incomplete answer is kept.
func describe(err error) (title, detail string) {
	var (
		words   provider.Explained
		timeout interface{ Timeout() bool }
	)
	switch {
	// The outermost words win: a lost connection may wrap an APIError (a
	// failed resumption, an error event after tokens), and what matters
	// most is that the answer above is incomplete.
	case errors.As(err, &words):
		title, detail = words.Title(), words.Explain()
		if errors.Is(err, provider.ErrIncomplete) {
			detail = provider.Sentences(kept, detail)
		}
	// A time limit of any origin reads as the request's own.
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		title = provider.TimeoutTitle
		detail = provider.Sentences(err.Error(), provider.TimeoutHint)
	case errors.Is(err, provider.ErrIncomplete):
		title = "The answer ended early"
		detail = provider.Sentences(err.Error(), kept)
	default:
		title = "The request failed"
		detail = err.Error()
	}
	return termsafe.Sanitize(title), termsafe.Sanitize(detail)
}
