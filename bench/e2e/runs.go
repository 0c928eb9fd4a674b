package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/parley-chat/parley/bench/e2e/chatserver"
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

	extraEnv   []string // added to the product's environment (-env)
	profileDir string   // where a profiling build writes its profiles
	label      string   // names the run's profiles
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
	cmd := exec.Command(r.bin, oneShotArgs(baseURL)...)
	cmd.Env = r.productEnv()
	start, err := t.start(cmd)
	if err != nil {
		return s, err
	}
	defer r.closeTerminal(t)
	rss := watchRSS(cmd.Process.Pid)
	exited := waitExit(cmd)
	fail := func(err error) (sample, error) {
		rss.stop() // the readings end; the run has no figures
		return s, r.fail(cmd, t, exited, err)
	}
	at, err := t.wait(first, r.timeout)
	if err != nil {
		return fail(err)
	}
	s.first = at.Sub(start)
	if at, err = t.wait(last, r.timeout); err != nil {
		return fail(err)
	}
	s.last = at.Sub(start)
	select {
	case err := <-exited:
		s.wall = time.Since(start)
		s.finish(cmd.ProcessState, rss)
		if err != nil {
			return fail(err)
		}
	case <-time.After(r.timeout):
		return fail(fmt.Errorf("still running %v after the last word: %w", r.timeout, errTimeout))
	}
	return s, nil
}

// interactive opens the chat on a terminal, waits for its first frame,
// types the prompt, presses Enter, waits until the last word of the answer
// is on screen, and quits with Ctrl+D. The words' times are from the
// Enter.
func (r *runner) interactive(baseURL string) (sample, error) {
	var s sample
	t := newTerminal(r.cols, r.rows)
	frame := t.watch(spec)
	cmd := exec.Command(r.bin, "-m", spec, "--base-url", baseURL, "--no-save")
	cmd.Env = r.productEnv()
	start, err := t.start(cmd)
	if err != nil {
		return s, err
	}
	defer r.closeTerminal(t)
	rss := watchRSS(cmd.Process.Pid)
	exited := waitExit(cmd)
	fail := func(what string, err error) (sample, error) {
		rss.stop() // the readings end; the run has no figures
		return s, r.fail(cmd, t, exited, fmt.Errorf("%s: %w", what, err))
	}
	at, err := t.wait(frame, r.timeout)
	if err != nil {
		return fail("first frame", err)
	}
	s.startup = at.Sub(start)
	echo := t.watch(prompt)
	if err := t.send(prompt); err != nil {
		return fail("typing", err)
	}
	if _, err := t.wait(echo, r.timeout); err != nil {
		return fail("typing", err)
	}
	// The chat follows the end of the answer: when its first frame holds
	// more than a screen, the first word has scrolled off already, and
	// what shows is a later part of it, which has a landmark.
	answer := append([]string{firstWord, lastWord}, chatserver.Landmarks...)
	first, last := t.watch(answer...), t.watch(lastWord)
	sent := time.Now()
	if err := t.send("\r"); err != nil {
		return fail("sending", err)
	}
	if at, err = t.wait(first, r.timeout); err != nil {
		return fail("answer", err)
	}
	s.first = at.Sub(sent)
	if at, err = t.wait(last, r.timeout); err != nil {
		return fail("answer", err)
	}
	s.last = at.Sub(sent)
	rss.read()
	if err := t.send("\x04"); err != nil { // Ctrl+D
		return fail("quitting", err)
	}
	select {
	case err := <-exited:
		s.wall = time.Since(start)
		s.finish(cmd.ProcessState, rss)
		if err != nil {
			return fail("quitting", err)
		}
	case <-time.After(r.timeout):
		return fail("quitting", fmt.Errorf("Ctrl+D did not end the chat in %v: %w", r.timeout, errTimeout))
	}
	return s, nil
}

// waitExit waits for cmd in the background.
func waitExit(cmd *exec.Cmd) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	return ch
}

// fail ends a run that went wrong: the process is killed if it still
// runs, and the error says what was on screen.
func (r *runner) fail(cmd *exec.Cmd, t *terminal, exited <-chan error, err error) error {
	select {
	case <-exited:
	default:
		cmd.Process.Kill()
		<-exited
	}
	scr := strings.TrimSpace(t.screen())
	if lines := strings.Split(scr, "\n"); len(lines) > 12 {
		scr = strings.Join(lines[len(lines)-12:], "\n")
	}
	return fmt.Errorf("%w\n--- screen (last lines) ---\n%s\n---", err, scr)
}

// closeTerminal closes t after a run, and says what it cost with -v.
func (r *runner) closeTerminal(t *terminal) {
	t.close()
	if r.verbose {
		fmt.Fprintln(os.Stderr, "  "+t.cost())
	}
}
