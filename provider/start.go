package provider

import (
	"context"
	"errors"
	"time"
)

// TimeoutError reports a request that outlived Options.Timeout, or a
// response that was silent for longer than Options.IdleTimeout.
type TimeoutError struct {
	Limit time.Duration
	Idle  bool  // the silence between two reads, not the whole request
	Err   error // the underlying fault, if any (stream.ErrIdle)
}

func (e *TimeoutError) Error() string {
	if e.Idle {
		return "no data from the server for " + e.Limit.String() + " (--idle-timeout)"
	}
	return "request took longer than " + e.Limit.String() + " (--timeout)"
}

// Unwrap returns the underlying fault.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout reports true, as net.Error timeouts do.
func (e *TimeoutError) Timeout() bool { return true }

// Start is Run with o's retry policy, bounded by o.Timeout: every attempt
// shares one deadline, and a request that outlives it ends with a
// *TimeoutError (inside a *LostError once tokens have arrived). A wait
// before a retry that would end after the deadline is not begun. Every
// notice and error of the stream is scrubbed of ep's key, and the context
// that fn is given carries the key to the transport's redirect policy (see
// WithSecrets).
func Start(ctx context.Context, ep Endpoint, o Options, fn RunFunc) <-chan Chunk {
	ctx = WithSecrets(ctx, ep)
	policy := o.RetryPolicy()
	if o.Timeout <= 0 {
		return Run(ctx, policy, fn)
	}
	deadline := time.Now().Add(o.Timeout)
	cause := &TimeoutError{Limit: o.Timeout}
	policy.deadline, policy.timeout = deadline, o.Timeout
	return Run(ctx, policy, func(ctx context.Context, e *Emitter) (string, error) {
		actx, cancel := context.WithDeadlineCause(ctx, deadline, cause)
		defer cancel()
		reason, err := fn(actx, e)
		if err != nil && ctx.Err() == nil && context.Cause(actx) == cause {
			var lost *LostError
			if !errors.As(err, &lost) {
				err = e.Lost(cause)
			}
		}
		return reason, err
	})
}

// secretsKey is the context key under which a request's secrets travel.
type secretsKey struct{}

// WithSecrets returns ctx carrying ep's secrets (its API key), so that
// whatever serves a request made with it can tell them wherever they
// appear: the Emitter scrubs them from notices and errors, the transport
// keeps them from following a redirect to another origin.
func WithSecrets(ctx context.Context, ep Endpoint) context.Context {
	s := ep.secrets()
	if len(s) == 0 {
		return ctx
	}
	return context.WithValue(ctx, secretsKey{}, s)
}

// Secrets returns the secrets that ctx carries (see WithSecrets), each
// long enough to be told apart from ordinary text.
func Secrets(ctx context.Context) []string {
	s, _ := ctx.Value(secretsKey{}).([]string)
	return s
}
