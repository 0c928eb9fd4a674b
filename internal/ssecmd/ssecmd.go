// Package ssecmd is `parley sse URL`, a debugging aid: it prints each event
// of any server-sent event endpoint as one JSON line and reconnects as a
// browser's EventSource does. It shares the providers' transport and time
// limits, and nothing else of a chat.
package ssecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/stream"
	"github.com/parley-chat/parley/termsafe"
)

// sseFlags are the flags of `parley sse`.
type sseFlags struct {
	method        string
	data          string
	headers       []string
	noReconnect   bool
	maxReconnects int
	timeout       time.Duration
	idleTimeout   time.Duration
}

// Options are what the command takes from the root: whether stdout is a
// terminal, and the words and default of the time limits, which the root's
// own flags share.
type Options struct {
	TTY                          bool
	TimeoutHelp, IdleTimeoutHelp string
	IdleTimeout                  time.Duration
}

// New returns `parley sse URL`, a debugging aid that prints each
// event of any server-sent event endpoint as one JSON line
// {"event", "data", "id"} and reconnects as a browser's EventSource does.
//
// Its RunE returns a usage.Error (exit 2) for a bad URL, header or flag
// value, and any other error (exit 1) for a failure of the stream: an HTTP
// status other than 200 or 204, a response that is not text/event-stream,
// a network error with reconnection off, or reconnections used up. A
// cancelled context (Ctrl+C) makes it return the context's error, which the
// root maps to 130. A 204, or the end of the body with --no-reconnect, is a
// clean end: nil.
func New(o Options) *cobra.Command {
	f := &sseFlags{}
	cmd := &cobra.Command{
		Use:   "sse URL",
		Short: "Print the events of a server-sent event stream as JSON lines",
		Long: "sse connects to URL, prints each event it dispatches as one JSON line\n" +
			`{"event": TYPE, "data": DATA, "id": LAST_EVENT_ID}` + " and reconnects as a browser's\n" +
			"EventSource does (honouring retry, sending Last-Event-ID). Reconnections are reported on stderr.\n" +
			"A server stops the reconnections with a 204; for endpoints that simply end the body when done\n" +
			"(most model APIs), pass --no-reconnect, or each reconnection sends the request again. A\n" +
			"reconnection that brings no event with a new ID counts toward --max-reconnects, so such an\n" +
			"endpoint is given up on after that many. One that gives each event a new random ID (better-sse\n" +
			"does when it is given none) and sends its events again on each connection is followed as\n" +
			"long as a browser would follow it: forever; pass --no-reconnect or --timeout.\n" +
			"On a terminal, control characters in the events are left out of the lines; piped, they are\n" +
			"written exactly as JSON encodes them.\n" +
			"Exit status: 0 at a clean end (204, or end of body with --no-reconnect), 1 on failure, 130 on Ctrl+C.",
		Example: "  parley sse http://localhost:8080/events\n" +
			"  parley sse -X POST -H 'Content-Type: application/json' -d '{\"stream\":true}' https://api.example.com/v1/chat\n" +
			"  parley sse --no-reconnect -d @request.json http://localhost:8080/stream",
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, f, args[0], o.TTY)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&f.method, "request", "X", "", "HTTP method (default GET, or POST with -d)")
	fl.StringVarP(&f.data, "data", "d", "", "request body; @FILE reads it from a file, @- from stdin")
	fl.StringArrayVarP(&f.headers, "header", "H", nil, "request header 'Key: Value' (repeatable)")
	fl.BoolVar(&f.noReconnect, "no-reconnect", false, "stop at the end of the body (exit 0) instead of reconnecting")
	fl.IntVar(&f.maxReconnects, "max-reconnects", stream.DefaultMaxReconnects,
		"give up after this many reconnections in a row that bring no event with a new ID (0: never reconnect)")
	fl.DurationVar(&f.timeout, "timeout", 0, o.TimeoutHelp)
	fl.DurationVar(&f.idleTimeout, "idle-timeout", o.IdleTimeout, o.IdleTimeoutHelp)
	return cmd
}

// run runs `parley sse`; tty says whether stdout is a terminal.
func run(cmd *cobra.Command, f *sseFlags, rawURL string, tty bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usage.Errorf("sse: %q is not an http or https URL", rawURL)
	}
	header, err := parseHeaders(f.headers)
	if err != nil {
		return err
	}
	var body []byte
	if cmd.Flags().Changed("data") {
		if body, err = readBody(f.data, cmd.InOrStdin()); err != nil {
			return err
		}
	}
	method := strings.ToUpper(f.method)
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	if f.maxReconnects < 0 {
		return usage.Errorf("sse: --max-reconnects must be 0 or more, not %d", f.maxReconnects)
	}
	if f.timeout < 0 || f.idleTimeout < 0 {
		return usage.Errorf("sse: --timeout and --idle-timeout must be 0 (none) or more")
	}
	// The providers' transport and bounds: proxies from the environment, the
	// wait for each response's headers and the silence within a body bounded
	// by --idle-timeout, the whole run by --timeout.
	popts := provider.Options{IdleTimeout: f.idleTimeout}
	opts := stream.Options{MaxReconnects: f.maxReconnects, IdleTimeout: f.idleTimeout}
	if f.noReconnect || f.maxReconnects == 0 {
		opts.MaxReconnects = -1
	}
	stderr := cmd.ErrOrStderr()
	opts.OnReconnect = func(r stream.Reconnect) {
		fmt.Fprintf(stderr, "parley: %s; reconnecting in %v (attempt %d)\n",
			termsafe.Sanitize(r.Err.Error()), r.Wait.Round(time.Millisecond), r.Attempt)
	}
	ctx := cmd.Context()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, f.timeout, &provider.TimeoutError{Limit: f.timeout})
		defer cancel()
	}
	c := stream.NewClient(ctx, httpx.StreamClient(popts), stream.NewRequestFunc(method, u.String(), body, header), opts)
	defer c.Close()
	out := cmd.OutOrStdout()
	enc := termsafe.NewJSON(tty)
	enc.SetEscapeHTML(false)
	for c.Next() {
		ev := c.Event()
		b, err := enc.Encode(struct {
			Event string `json:"event"`
			Data  string `json:"data"`
			ID    string `json:"id"`
		}{ev.Type, ev.Data, ev.ID})
		if err != nil {
			return fmt.Errorf("sse: %w", err)
		}
		if _, err := out.Write(b); err != nil {
			return fmt.Errorf("sse: %w", err)
		}
	}
	return sseError(ctx, c.Err())
}

// sseError words the error that ended `parley sse`.
func sseError(ctx context.Context, err error) error {
	var timeout *provider.TimeoutError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && context.Cause(ctx) != ctx.Err():
		return context.Cause(ctx) // --timeout
	case errors.As(err, &timeout):
		return timeout // the wait for the headers, without Go's words for the request
	case errors.Is(err, stream.ErrIdle):
		return fmt.Errorf("%w (--idle-timeout)", err)
	case errors.Is(err, stream.ErrEnded):
		// The reconnections were used up on a server that kept closing.
		return fmt.Errorf("%w (an endpoint that ends its stream when done wants --no-reconnect)", err)
	}
	return err
}

// parseHeaders turns -H 'Key: Value' flags into a header.
func parseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, usage.Errorf("sse: header %q is not 'Key: Value'", l)
		}
		h.Add(k, strings.TrimSpace(v))
	}
	return h, nil
}

// readBody returns the request body of -d: the text itself, or a file's
// or stdin's content after @.
func readBody(arg string, stdin io.Reader) ([]byte, error) {
	name, ok := strings.CutPrefix(arg, "@")
	if !ok {
		return []byte(arg), nil
	}
	var (
		b   []byte
		err error
	)
	if name == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, usage.Errorf("sse: reading the body: %v", err)
	}
	return b, nil
}
