package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// runner runs the product and curl against one server.
type runner struct {
	bin     string        // the product's binary
	env     []string      // the children's environment
	cols    int           // terminal size
	rows    int           //
	timeout time.Duration // longest wait for any one thing
	verbose bool          // say what each terminal run cost the emulator
	noCurl  bool          // curl is not installed

	extraEnv   []string      // added to the product's environment (-env)
	profileDir string        // where a profiling build writes its profiles
	label      string        // names the run's profiles
	pacedFor   time.Duration // how long the idle case idles
}

// productEnv is the product's environment for the next run.
func (r *runner) productEnv() []string {
	env := append(slices.Clip(r.env), r.extraEnv...)
	if r.profileDir != "" {
		env = append(env, profileEnvFor(r.profileDir, r.label)...)
	}
	return env
}

// oneShotArgs are the product's arguments for a one-shot answer.
func oneShotArgs(baseURL string) []string {
	return []string{"-m", "openai:" + model, "--base-url", baseURL, "--no-save", "-p", prompt}
}

// piped runs a one-shot answer with stdout to a pipe.
func (r *runner) piped(baseURL string) (sample, error) {
	return runPiped(append([]string{r.bin}, oneShotArgs(baseURL)...), r.productEnv(), r.timeout)
}

// curl does the same request with curl -N, printing the raw events.
func (r *runner) curl(baseURL string, body []byte) (sample, error) {
	argv := []string{"curl", "-sS", "-N", "--fail",
		"-H", "Content-Type: application/json", "-H", "Authorization: Bearer sk-bench",
		"--data-binary", string(body), baseURL + "/chat/completions"}
	return runPiped(argv, r.env, r.timeout)
}

// onTerminal runs a one-shot answer with stdout on a terminal, where the
// product renders markdown progressively.
func (r *runner) onTerminal(baseURL string) (sample, error) {
	var s sample
	t := newTerminal(r.cols, r.rows)
	first, last := t.watch(firstWord), t.watch(lastWord)
	p, err := r.startOn(t, oneShotArgs(baseURL)...)
	if err != nil {
		return s, err
	}
	defer p.close()
	at, err := t.wait(first, r.timeout)
	if err != nil {
		return s, p.fail("answer", err)
	}
	s.first = at.Sub(p.start)
	if at, err = t.wait(last, r.timeout); err != nil {
		return s, p.fail("answer", err)
	}
	s.last = at.Sub(p.start)
	return s, p.exit(&s, "after the last word")
}

// interactive opens the chat on a terminal, waits for its first frame,
// types the prompt, presses Enter, waits until the last word of the answer
// is on screen, and quits with Ctrl+D. The words' times are from the
// Enter.
func (r *runner) interactive(baseURL string) (sample, error) {
	var s sample
	p, err := r.openTyped(&s, baseURL)
	if err != nil {
		return s, err
	}
	defer p.close()
	t := p.t
	// The chat follows the end of the answer: when its first frame holds
	// more than a screen, the first word has scrolled off already, and
	// what shows is a later part of it, which has a landmark.
	answer := append([]string{firstWord, lastWord}, chatserver.Landmarks...)
	first, last := t.watch(answer...), t.watch(lastWord)
	sent := time.Now()
	if err := t.send("\r"); err != nil {
		return s, p.fail("sending", err)
	}
	at, err := t.wait(first, r.timeout)
	if err != nil {
		return s, p.fail("answer", err)
	}
	s.first = at.Sub(sent)
	if at, err = t.wait(last, r.timeout); err != nil {
		return s, p.fail("answer", err)
	}
	s.last = at.Sub(sent)
	p.rss.read()
	err = p.quit(&s)
	return s, err
}

// openChat starts the chat against baseURL on a new terminal and waits
// for its first frame, the time to which is s.startup. The caller closes
// the run when err is nil.
func (r *runner) openChat(s *sample, baseURL string, flags ...string) (*ptyRun, error) {
	t := newTerminal(r.cols, r.rows)
	frame := t.watch(spec)
	p, err := r.startOn(t, append([]string{"-m", spec, "--base-url", baseURL, "--no-save"}, flags...)...)
	if err != nil {
		return nil, err
	}
	at, err := t.wait(frame, r.timeout)
	if err != nil {
		err = p.fail("first frame", err)
		p.close()
		return nil, err
	}
	s.startup = at.Sub(p.start)
	return p, nil
}

// openTyped opens the chat as openChat does and types the prompt into it,
// without sending it, and waits until it shows: what a measure of an
// answer starts from. The caller closes the run when err is nil.
func (r *runner) openTyped(s *sample, baseURL string, flags ...string) (*ptyRun, error) {
	p, err := r.openChat(s, baseURL, flags...)
	if err != nil {
		return nil, err
	}
	echo := p.t.watch(prompt)
	err = p.t.send(prompt)
	if err == nil {
		_, err = p.t.wait(echo, r.timeout)
	}
	if err != nil {
		err = p.fail("typing", err)
		p.close()
		return nil, err
	}
	return p, nil
}

// quit presses Ctrl+D and waits for the chat to exit.
func (p *ptyRun) quit(s *sample) error {
	if err := p.t.send("\x04"); err != nil {
		return p.fail("quitting", err)
	}
	return p.exit(s, "after Ctrl+D")
}

// ptyRun is the product running on a terminal.
type ptyRun struct {
	r      *runner
	t      *terminal
	cmd    *exec.Cmd
	start  time.Time
	rss    *peakRSS
	exited <-chan error
	gone   bool // exited was received from, and rss stopped
}

// startOn starts the product with args on t.
func (r *runner) startOn(t *terminal, args ...string) (*ptyRun, error) {
	cmd := exec.Command(r.bin, args...)
	cmd.Env = r.productEnv()
	start, err := t.start(cmd)
	if err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return &ptyRun{r: r, t: t, cmd: cmd, start: start, rss: watchRSS(cmd.Process.Pid), exited: exited}, nil
}

// exit waits for the process to end by itself, and fills in its wall
// time, CPU time and peak RSS.
func (p *ptyRun) exit(s *sample, when string) error {
	select {
	case err := <-p.exited:
		s.wall = time.Since(p.start)
		s.finish(p.cmd.ProcessState, p.rss)
		p.gone = true
		if err != nil {
			return p.fail("exit", err)
		}
		return nil
	case <-time.After(p.r.timeout):
		return p.fail("exit", fmt.Errorf("still running %v %s: %w", p.r.timeout, when, errTimeout))
	}
}

// fail ends a run that went wrong: the process is killed if it still
// runs, and the error says what was on screen.
func (p *ptyRun) fail(what string, err error) error {
	if !p.gone {
		killGroup(p.cmd) // Setsid made it the leader of its group
		<-p.exited
		p.rss.stop()
		p.gone = true
	}
	scr := strings.TrimSpace(p.t.screen())
	if lines := strings.Split(scr, "\n"); len(lines) > 12 {
		scr = strings.Join(lines[len(lines)-12:], "\n")
	}
	return fmt.Errorf("%s: %w\n--- screen (last lines) ---\n%s\n---", what, err, scr)
}

// close waits for the terminal to drain after the run, and says what the
// emulator cost with -v.
func (p *ptyRun) close() {
	p.t.close()
	if p.r.verbose {
		fmt.Fprintln(os.Stderr, "  "+p.t.cost())
	}
}
