package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/ui/markdown"
)

// runOneShot sends prompt and streams the answer to stdout.
func runOneShot(ctx context.Context, env *environment, f *flags, s settings, w *wiring, conv *conversation, prompt string) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // a failed write stops the stream too
	req := w.request
	req.Messages = append(conv.history, provider.Message{Role: provider.RoleUser, Content: prompt})
	ch, err := w.prov.Stream(ctx, req)
	if err != nil {
		return err
	}
	sv := conv.start(ctx, env, w, prompt)
	var out printer
	switch {
	case f.json:
		out = newJSONPrinter(env.stdout)
	case !isTerminal(env.stdout):
		out = &rawPrinter{w: env.stdout}
	case f.raw:
		out = &rawPrinter{w: env.stdout, sanitize: new(markdown.Sanitizer)}
	default:
		out = newTermPrinter(env.stdout, env.stderr, s.Theme)
	}
	var streamErr, writeErr error // why the answer ended, if it failed; why the output did
	// Notices are for the person watching, not for the output: all of them
	// on a terminal; on a pipe, only a wait that the provider asked for (a
	// rate limit, an overloaded server), so that a script's log says why
	// the answer is late. --json has them all on stdout.
	notices := !f.json && isTerminal(env.stderr)
	waits := !f.json
	stopSpinner := func() {}
	if notices {
		stopSpinner = startSpinner(env.stderr, "waiting for "+markdown.Sanitize(w.spec))
	}
	defer stopSpinner()
	for batch := range batches(ch) {
		stopSpinner()
		for _, c := range batch {
			switch {
			case c.Kind == provider.KindError:
				streamErr = c.Err
			case c.Kind == provider.KindNotice && (notices || waits && providerWait(c)):
				fmt.Fprintln(env.stderr, "parley: "+noticeLine(c))
			}
			if sv != nil {
				sv.Chunk(c)
			}
			if writeErr == nil {
				writeErr = out.chunk(c)
			}
		}
		if writeErr == nil {
			writeErr = out.flush()
		}
		if writeErr != nil {
			cancel()
		}
	}
	if writeErr == nil {
		writeErr = out.close(streamErr)
	}
	if writeErr != nil {
		// The output failing ended the stream: that is the error to report.
		streamErr = fmt.Errorf("writing the answer: %w", writeErr)
	}
	if sv != nil {
		if _, err := sv.Finish(store.StatusFor(streamErr), streamErr); err != nil {
			fmt.Fprintln(env.stderr, "parley: warning: the answer was not saved: "+err.Error())
		}
	}
	switch {
	case streamErr == nil:
		return nil
	case parent.Err() != nil:
		return errInterrupted
	case f.json && writeErr == nil:
		return silentError{streamErr} // already reported on stdout
	}
	return streamErr
}

// batches turns a chunk stream into batches of the chunks that were
// already waiting, so that a fast stream is written with few syscalls
// while a slow one is written as each chunk arrives.
func batches(ch <-chan provider.Chunk) func(yield func([]provider.Chunk) bool) {
	return func(yield func([]provider.Chunk) bool) {
		buf := make([]provider.Chunk, 0, 64)
		for c := range ch {
			buf = append(buf[:0], c)
		drain:
			for len(buf) < cap(buf) {
				select {
				case c, ok := <-ch:
					if !ok {
						break drain
					}
					buf = append(buf, c)
				default:
					break drain
				}
			}
			if !yield(buf) {
				return
			}
		}
	}
}

// startSpinner shows a spinner and label on w, a terminal, until the
// returned function is called; calling it again does nothing.
func startSpinner(w io.Writer, label string) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r\x1b[2m%s %s\x1b[0m\x1b[K", frames[i%len(frames)], label)
			select {
			case <-done:
				io.WriteString(w, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-exited
		})
	}
}

// providerWait reports a notice of a wait before a retry that the
// provider asked for, by a status or a Retry-After, rather than a backoff
// after a network fault.
func providerWait(c provider.Chunk) bool {
	var apiErr *provider.APIError
	return c.Wait > 0 && errors.As(c.Err, &apiErr)
}

// noticeLine is how a notice reads on stderr.
func noticeLine(c provider.Chunk) string {
	line := markdown.Sanitize(c.Text)
	if c.Wait > 0 {
		line += "; retrying in " + c.Wait.Round(100*time.Millisecond).String()
	}
	return line
}

// printer writes an answer's chunks somewhere.
type printer interface {
	chunk(c provider.Chunk) error
	// flush writes what the last batch of chunks buffered.
	flush() error
	// close ends the output; err is the stream's error, if any.
	close(err error) error
}

// rawPrinter writes exactly the text of the answer, nothing added: the
// output of a pipe is data. On a terminal (--raw) it is sanitized, since
// then it is not data but what drives the screen.
type rawPrinter struct {
	w        io.Writer
	buf      []byte
	sanitize *markdown.Sanitizer
}

func (p *rawPrinter) chunk(c provider.Chunk) error {
	if c.Kind != provider.KindText {
		return nil
	}
	if p.sanitize != nil {
		p.buf = append(p.buf, p.sanitize.Feed(c.Text)...)
		return nil
	}
	p.buf = append(p.buf, c.Text...)
	return nil
}

func (p *rawPrinter) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf)
	p.buf = p.buf[:0]
	return err
}

func (p *rawPrinter) close(error) error {
	if p.sanitize != nil {
		p.buf = append(p.buf, p.sanitize.Flush()...)
	}
	if len(p.buf) > 0 && p.buf[len(p.buf)-1] != '\n' && p.sanitize != nil {
		p.buf = append(p.buf, '\n') // leave the shell prompt on a line of its own
	}
	return p.flush()
}

// jsonPrinter writes one JSON object per chunk. On a terminal each line is
// sanitized: JSON escapes C0 controls but not C1 ones or bidirectional
// overrides.
type jsonPrinter struct {
	w    *bufio.Writer
	enc  *json.Encoder
	tty  bool
	line bytes.Buffer // the line being encoded, on a terminal
}

func newJSONPrinter(w io.Writer) *jsonPrinter {
	p := &jsonPrinter{w: bufio.NewWriter(w), tty: isTerminal(w)}
	p.enc = json.NewEncoder(p.w)
	if p.tty {
		p.enc = json.NewEncoder(&p.line)
	}
	p.enc.SetEscapeHTML(false)
	return p
}

func (p *jsonPrinter) encode(j jsonChunk) error {
	if !p.tty {
		return p.enc.Encode(j)
	}
	p.line.Reset()
	if err := p.enc.Encode(j); err != nil {
		return err
	}
	_, err := p.w.WriteString(markdown.Sanitize(p.line.String()))
	return err
}

// jsonChunk is the --json form of a chunk.
type jsonChunk struct {
	Type    string          `json:"type"`
	Text    string          `json:"text,omitempty"`
	Percent *float64        `json:"percent,omitempty"`
	Usage   *provider.Usage `json:"usage,omitempty"`
	Reason  string          `json:"reason,omitempty"`
	Error   string          `json:"error,omitempty"`
	Wait    float64         `json:"wait_seconds,omitempty"`
}

func (p *jsonPrinter) chunk(c provider.Chunk) error {
	j := jsonChunk{Type: c.Kind.String()}
	switch c.Kind {
	case provider.KindText, provider.KindReasoning:
		j.Text = c.Text
	case provider.KindNotice:
		j.Text, j.Wait = c.Text, c.Wait.Seconds()
	case provider.KindProgress:
		j.Text, j.Percent = c.Text, &c.Percent
	case provider.KindUsage:
		j.Usage = &c.Usage
	case provider.KindFinish:
		j.Reason = c.Reason
	case provider.KindError:
		j.Error = errorLine(c.Err)
	}
	return p.encode(j)
}

func (p *jsonPrinter) flush() error      { return p.w.Flush() }
func (p *jsonPrinter) close(error) error { return p.w.Flush() }

// silentError is an error already reported on stdout (as --json does):
// it sets the exit status and prints nothing more.
type silentError struct{ err error }

func (e silentError) Error() string { return e.err.Error() }
func (e silentError) Unwrap() error { return e.err }

// errorLine is the one line a user reads for err. It may quote a server,
// so it is sanitized: stderr is often a terminal.
func errorLine(err error) string {
	var se silentError
	if errors.As(err, &se) || errors.Is(err, errInterrupted) {
		return ""
	}
	msg := err.Error()
	var ne *provider.NetError
	if errors.As(err, &ne) {
		// A network fault, in the words the provider classified it with.
		msg = ne.Error()
		var lost *provider.LostError
		if errors.As(err, &lost) {
			msg = fmt.Sprintf("connection lost after %d tokens: %s", lost.Tokens, msg)
		}
	}
	return strings.Join(strings.Fields(markdown.Sanitize(msg)), " ")
}
