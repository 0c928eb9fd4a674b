package main

import (
	"errors"
	"strings"

	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/store"
)

// plainError is an error shown in other words than its cause's, which it
// still wraps for errors.Is and exitCode.
type plainError struct {
	msg string
	err error
}

func (e plainError) Error() string { return e.msg }
func (e plainError) Unwrap() error { return e.err }

// plain returns err in the words of its message without the "provider:"
// or "store:" that a package's sentinel errors begin with: the user does
// not know the packages.
func plain(err error) error {
	msg := err.Error()
	for _, p := range []string{"provider: ", "store: "} {
		if strings.HasPrefix(msg, p) {
			return plainError{msg: strings.TrimPrefix(msg, p), err: err}
		}
	}
	return err
}

// storeError puts an error of package store in the user's words: without
// the package's "store:" prefix, and as a usage error (exit 2) when the
// user named something that is not there (an unknown or ambiguous ID, a
// search with no words). Other errors pass through.
func storeError(err error) error {
	if err == nil {
		return nil
	}
	if !strings.HasPrefix(err.Error(), "store: ") {
		return err
	}
	pe := plain(err)
	var amb *store.AmbiguousError
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrNoTerms) || errors.As(err, &amb) {
		return usage.Error{Err: pe}
	}
	return pe
}
