package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
	"github.com/parley-chat/parley/ui"
)

// runOneShot sends prompt and streams the answer to stdout. What is saved
// is what reached stdout: when the output fails or the run is interrupted,
// the answer is kept as far as it was written, and marked stopped.
func runOneShot(ctx context.Context, env *environment, s config.Settings, w *setup, conv *conversation, prompt string, files []provider.Attachment) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // a failed write stops the stream too
	req := w.request
	req.Messages = append(conv.history, provider.Message{Role: provider.RoleUser, Content: prompt, Attachments: files})
	a := &oneShotAnswer{}
	var gate *provider.Gate // only the terminal printer holds frames back
	asJSON := s.Output == config.OutputJSON
	switch {
	case asJSON:
		a.out = newJSONPrinter(env.stdout, env.stdoutTTY)
	case !env.stdoutTTY:
		a.out = &rawPrinter{w: env.stdout}
	case s.Output == config.OutputRaw:
		a.out = &rawPrinter{w: env.stdout, sanitize: new(termsafe.Sanitizer)}
	default:
		gate = provider.NewGate()
		resized, stop := env.resizes()
		defer stop()
		a.out = termPrinter{ui.NewTermPrinter(ui.TermOptions{
			Out: env.stdout, Err: env.stderr, ErrTTY: env.stderrTTY, Size: env.size, Resized: resized, Style: env.glamourStyle(s.Theme),
		})}
	}
	ch, err := w.prov.Stream(provider.WithGate(ctx, gate), req)
	if err != nil {
		return err
	}
	a.sv = conv.start(ctx, env, w, prompt, files)
	// Notices are for the person watching, not for the output: all of them
	// on a terminal; on a pipe, only a wait that the provider asked for (a
	// rate limit, an overloaded server), so that a script's log says why
	// the answer is late, and a cut at the token limit, so that it does not
	// pass for a whole answer (see mustSay). --json has them all on stdout.
	notices := !asJSON && env.stderrTTY
	waits := !asJSON
	stopSpinner := func() {}
	if notices {
		stopSpinner = startSpinner(env.stderr, "waiting for "+termsafe.Sanitize(w.spec))
	}
	defer stopSpinner()
	pace := provider.Pacing{Due: a.due, Gate: gate, Threads: env.getenv("GOMAXPROCS") == ""}
	provider.ReadFrames(ch, pace, func(batch []provider.Chunk) {
		if len(batch) > 0 {
			stopSpinner()
		}
		for _, c := range batch {
			if c.Kind == provider.KindNotice && (notices || waits && mustSay(c)) {
				a.aside()
				fmt.Fprintln(env.stderr, "parley: "+noticeLine(c))
			}
			a.chunk(c, parent.Err() != nil)
		}
		if a.flush() != nil {
			cancel()
		}
	})
	endErr := a.end(parent)
	saved := false
	if a.sv != nil {
		status := store.StatusFor(endErr)
		if errors.Is(endErr, errInterrupted) || errors.Is(endErr, errPipeClosed) {
			status = store.StatusStopped
		}
		if _, err := a.sv.Finish(status, endErr); err != nil {
			fmt.Fprintln(env.stderr, "parley: warning: the answer was not saved: "+err.Error())
		} else {
			saved = a.saved > 0
		}
	}
	switch {
	case endErr == nil:
		return nil
	case asJSON && a.writeErr == nil:
		return silentError{endErr} // already reported on stdout
	}
	return failure(endErr, s, saved)
}

// errPipeClosed ends a one-shot whose stdout was closed by its reader, as
// `parley -p ... | head` does: the answer is saved as stopped and the
// exit status is that of a process killed by SIGPIPE, with no message.
var errPipeClosed = errors.New("the reader of the output went away")

// writeFailure is the error that ends an answer whose output failed with
// err.
func writeFailure(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return errPipeClosed
	}
	return fmt.Errorf("writing the answer: %w", err)
}

// oneShotAnswer follows a one-shot answer from the stream to stdout and
// the store.
type oneShotAnswer struct {
	out       printer
	sv        *store.Saver // nil when nothing is saved
	text      strings.Builder
	saved     int   // bytes of text handed to sv
	streamErr error // the stream's Error chunk, if any
	finished  bool  // the stream's Finish chunk arrived
	withheld  bool  // text arrived that was not printed
	writeErr  error // the output failed
}

// chunk takes one chunk of the stream. Once the run is interrupted or the
// output has failed, nothing more is printed: only the stream's end is
// noted.
func (a *oneShotAnswer) chunk(c provider.Chunk, interrupted bool) {
	switch c.Kind {
	case provider.KindError:
		a.streamErr = c.Err
	case provider.KindFinish:
		a.finished = true
	}
	if interrupted || a.writeErr != nil {
		a.withheld = a.withheld || c.Kind == provider.KindText
		return
	}
	if c.Kind == provider.KindText {
		a.text.WriteString(c.Text) // saved once written: see save
	} else if a.sv != nil {
		a.sv.Chunk(c)
	}
	a.writeErr = a.out.chunk(c)
}

// flush writes what the last batch buffered and saves what was written.
func (a *oneShotAnswer) flush() error {
	if a.writeErr == nil {
		a.writeErr = a.out.flush()
	}
	a.save()
	return a.writeErr
}

// due says when the printer has a frame it held back: text it took but
// has not drawn yet, to draw after the time it returns.
func (a *oneShotAnswer) due() (time.Duration, bool) {
	if p, ok := a.out.(termPrinter); ok && a.writeErr == nil {
		return p.Due()
	}
	return 0, false
}

// aside readies a terminal printer for a line written to stderr.
func (a *oneShotAnswer) aside() {
	if p, ok := a.out.(termPrinter); ok && a.writeErr == nil {
		p.Aside()
	}
}

// save hands the saver the text that reached the output since last time.
func (a *oneShotAnswer) save() {
	if shown := min(a.out.shown(), a.text.Len()); a.sv != nil && shown > a.saved {
		a.sv.Text(a.text.String()[a.saved:shown])
		a.saved = shown
	}
}

// end closes the output and returns why the answer, as the user got it,
// is not whole (see why).
func (a *oneShotAnswer) end(parent context.Context) error {
	endErr := a.why(parent)
	if a.writeErr == nil {
		a.writeErr = a.out.close(endErr)
		if a.writeErr != nil && endErr == nil {
			endErr = a.why(parent)
		}
	}
	a.save()
	return endErr
}

// why returns why the answer is not whole: nil only when the stream
// finished and all of its text was written. An interruption comes first,
// even when it made the output fail (a closed terminal); a stream that
// closed with neither a Finish nor an Error is incomplete, never a success.
func (a *oneShotAnswer) why(parent context.Context) error {
	switch {
	case parent.Err() != nil && (!a.finished || a.withheld || a.writeErr != nil):
		return errInterrupted
	case a.writeErr != nil:
		return writeFailure(a.writeErr)
	case a.streamErr != nil:
		return a.streamErr
	case !a.finished:
		return provider.ErrIncomplete
	}
	return nil
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

// mustSay reports a notice that stderr gets even when it is not a
// terminal: a wait the provider asked for, and a cut at the token limit.
func mustSay(c provider.Chunk) bool {
	return providerWait(c) || c.Text == provider.MsgMaxTokens
}

// noticeLine is how a notice reads on stderr.
func noticeLine(c provider.Chunk) string {
	line := termsafe.Sanitize(c.Text)
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
	// close ends the output; err is why the answer is not whole, if it is
	// not.
	close(err error) error
	// shown is how many bytes of the answer's text, as it arrived, have
	// been written out.
	shown() int
}

// termPrinter is ui's terminal printer: stable lines once, the open tail
// redrawn, re-wrapped when the terminal is resized.
type termPrinter struct{ *ui.TermPrinter }

func (p termPrinter) chunk(c provider.Chunk) error { return p.Chunk(c) }
func (p termPrinter) flush() error                 { return p.Flush() }
func (p termPrinter) close(err error) error        { return p.Close(err) }
func (p termPrinter) shown() int                   { return p.Shown() }

// rawPrinter writes exactly the text of the answer, nothing added: the
// output of a pipe is data. On a terminal (--raw) it is sanitized, since
// then it is not data but what drives the screen.
type rawPrinter struct {
	w        io.Writer
	buf      []byte
	sanitize *termsafe.Sanitizer
	fed      int // bytes of text given to the printer
	done     int // of which written
}

func (p *rawPrinter) chunk(c provider.Chunk) error {
	if c.Kind != provider.KindText {
		return nil
	}
	p.fed += len(c.Text)
	if p.sanitize != nil {
		p.buf = append(p.buf, p.sanitize.Feed(c.Text)...)
		return nil
	}
	p.buf = append(p.buf, c.Text...)
	return nil
}

func (p *rawPrinter) flush() error {
	var n int
	var err error
	if len(p.buf) > 0 {
		n, err = p.w.Write(p.buf)
		p.buf = p.buf[:0]
	}
	switch {
	case p.sanitize == nil:
		p.done += n // the buffer is the text itself
	case err == nil:
		p.done = p.fed
	}
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

func (p *rawPrinter) shown() int { return p.done }

// jsonPrinter writes one JSON object per chunk. On a terminal each line is
// sanitized: JSON escapes C0 controls but not C1 ones or bidirectional
// overrides.
type jsonPrinter struct {
	w     io.Writer
	buf   []byte // the lines of the batch, written by flush
	enc   *termsafe.JSON
	ended bool // a finish or error object was written
	cut   bool // the token limit cut the answer: its finish says so

	// text counts the bytes of text given, done those written out; ends
	// says, for each text line in buf, where it ends and how much text
	// the output holds once it is written.
	text, done int
	ends       []jsonEnd
}

type jsonEnd struct{ end, text int }

func newJSONPrinter(w io.Writer, tty bool) *jsonPrinter {
	p := &jsonPrinter{w: w, enc: termsafe.NewJSON(tty)}
	p.enc.SetEscapeHTML(false)
	return p
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
		p.cut = p.cut || c.Text == provider.MsgMaxTokens
	case provider.KindProgress:
		j.Text, j.Percent = c.Text, &c.Percent
	case provider.KindUsage:
		j.Usage = &c.Usage
	case provider.KindFinish:
		j.Reason = c.Reason
		if p.cut {
			j.Text = provider.MsgMaxTokens // in the same words as on stderr
		}
		p.ended = true
	case provider.KindError:
		j.Error = errorLine(c.Err)
		p.ended = true
	}
	if c.Kind == provider.KindText {
		p.text += len(c.Text)
	}
	return p.write(j)
}

func (p *jsonPrinter) write(j jsonChunk) error {
	line, err := p.enc.Encode(j)
	if err != nil {
		return err
	}
	p.buf = append(p.buf, line...)
	if j.Type == provider.KindText.String() {
		p.ends = append(p.ends, jsonEnd{end: len(p.buf), text: p.text})
	}
	return nil
}

// flush writes the batch's lines; the text counts as shown up to the last
// text line written whole.
func (p *jsonPrinter) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	n, err := p.w.Write(p.buf)
	for _, e := range p.ends {
		if e.end > n {
			break
		}
		p.done = e.text
	}
	p.buf, p.ends = p.buf[:0], p.ends[:0]
	return err
}

// close ends the output with an error object when the answer is not whole
// and the stream's own end was not printed (an interruption, a stream
// that closed with neither a finish nor an error).
func (p *jsonPrinter) close(err error) error {
	if err != nil && !p.ended {
		msg := errorLine(err)
		if msg == "" {
			msg = err.Error()
		}
		if werr := p.write(jsonChunk{Type: provider.KindError.String(), Error: msg}); werr != nil {
			return werr
		}
	}
	return p.flush()
}

func (p *jsonPrinter) shown() int { return p.done }

// silentError is an error already reported on stdout (as --json does):
// it sets the exit status and prints nothing more.
type silentError struct{ err error }

func (e silentError) Error() string { return e.err.Error() }
func (e silentError) Unwrap() error { return e.err }

// errorLine is the one line a user reads for err. It may quote a server,
// so it is sanitized: stderr is often a terminal.
func errorLine(err error) string {
	var se silentError
	if errors.As(err, &se) || errors.Is(err, errInterrupted) || errors.Is(err, errPipeClosed) || errors.Is(err, syscall.EPIPE) {
		return "" // nothing to tell: see exitCode
	}
	msg := err.Error()
	// A network fault, or a connection lost to one, in the words the
	// provider classified it with (provider.NetError and LostError).
	var line interface{ Line() string }
	if errors.As(err, &line) {
		msg = line.Line()
	}
	var of oneShotFailure
	if errors.As(err, &of) {
		msg = of.words(msg)
	}
	return termsafe.Line(msg)
}
