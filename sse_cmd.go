package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/stream"
)

// sseFlags are the flags of `parley sse`.
type sseFlags struct {
	method        string
	data          string
	headers       []string
	noReconnect   bool
	maxReconnects int
}

// newSSECommand returns `parley sse URL`, a debugging aid that prints each
// event of any server-sent event endpoint as one JSON line
// {"event", "data", "id"} and reconnects as a browser's EventSource does.
//
// Its RunE returns a usageError (exit 2) for a bad URL, header or flag
// value, and any other error (exit 1) for a failure of the stream: an HTTP
// status other than 200 or 204, a response that is not text/event-stream,
// a network error with reconnection off, or reconnections used up. A
// cancelled context (Ctrl+C) makes it return the context's error, which the
// root maps to 130. A 204, or the end of the body with --no-reconnect, is a
// clean end: nil.
func newSSECommand() *cobra.Command {
	f := &sseFlags{}
	cmd := &cobra.Command{
		Use:   "sse URL",
		Short: "Print the events of a server-sent event stream as JSON lines",
		Long: "sse connects to URL, prints each event it dispatches as one JSON line\n" +
			`{"event": TYPE, "data": DATA, "id": LAST_EVENT_ID}` + " and reconnects as a browser's\n" +
			"EventSource does (honouring retry, sending Last-Event-ID). Reconnections are reported on stderr.\n" +
			"A server stops the reconnections with a 204; for endpoints that simply end the body when done\n" +
			"(most model APIs), pass --no-reconnect, or each reconnection sends the request again.\n" +
			"Exit status: 0 at a clean end (204, or end of body with --no-reconnect), 1 on failure, 130 on Ctrl+C.",
		Example: "  parley sse http://localhost:8080/events\n" +
			"  parley sse -X POST -H 'Content-Type: application/json' -d '{\"stream\":true}' https://api.example.com/v1/chat\n" +
			"  parley sse --no-reconnect -d @request.json http://localhost:8080/stream",
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSSE(cmd, f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&f.method, "request", "X", "", "HTTP method (default GET, or POST with -d)")
	fl.StringVarP(&f.data, "data", "d", "", "request body; @FILE reads it from a file, @- from stdin")
	fl.StringArrayVarP(&f.headers, "header", "H", nil, "request header 'Key: Value' (repeatable)")
	fl.BoolVar(&f.noReconnect, "no-reconnect", false, "stop at the end of the body (exit 0) instead of reconnecting")
	fl.IntVar(&f.maxReconnects, "max-reconnects", stream.DefaultMaxReconnects,
		"give up after this many reconnections in a row that bring no event (0: never reconnect)")
	return cmd
}

func runSSE(cmd *cobra.Command, f *sseFlags, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("sse: %q is not an http or https URL", rawURL)
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
		return usageErrorf("sse: --max-reconnects must be 0 or more, not %d", f.maxReconnects)
	}
	opts := stream.Options{MaxReconnects: f.maxReconnects}
	if f.noReconnect || f.maxReconnects == 0 {
		opts.MaxReconnects = -1
	}
	stderr := cmd.ErrOrStderr()
	opts.OnReconnect = func(r stream.Reconnect) {
		fmt.Fprintf(stderr, "parley: %v; reconnecting in %v (attempt %d)\n", r.Err, r.Wait.Round(time.Millisecond), r.Attempt)
	}
	c := stream.NewClient(cmd.Context(), &http.Client{}, stream.NewRequestFunc(method, u.String(), body, header), opts)
	defer c.Close()
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetEscapeHTML(false)
	for c.Next() {
		ev := c.Event()
		line := struct {
			Event string `json:"event"`
			Data  string `json:"data"`
			ID    string `json:"id"`
		}{ev.Type, ev.Data, ev.ID}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("sse: %w", err)
		}
	}
	return c.Err()
}

// parseHeaders turns -H 'Key: Value' flags into a header.
func parseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, usageErrorf("sse: header %q is not 'Key: Value'", l)
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
		return nil, usageErrorf("sse: reading the body: %v", err)
	}
	return b, nil
}
