//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/stream/streamtest"
)

// The faults of issue 12 where an answer ends early because of the user,
// the terminal or the reader of stdout: an interrupt, a closed pipe, a
// hang-up. What reached the user is saved, marked stopped, and the exit
// status says the answer is not whole.

// loadTokens is the length of the fast answers: far more than a pipe and
// the stream's buffer hold.
const loadTokens = 100_000

// fastAnswer serves b's answer of loadTokens words as fast as the client
// reads it, and returns the server and the answer's text.
func fastAnswer(t *testing.T, b backend) (*streamtest.Server, string) {
	t.Helper()
	srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.head),
		streamtest.Repeat(b.token("word "), loadTokens), streamtest.Write(b.tail)))
	return srv, strings.Repeat("word ", loadTokens)
}

// started is a run of the binary with stdout on a pipe that the test reads
// when it chooses.
type started struct {
	cmd    *exec.Cmd
	stdout *os.File // the read end
	stderr *syncBuffer
	data   string // PARLEY_DATA_DIR
}

// startPiped starts the binary with stdout on a pipe and the store in a
// directory of its own.
func startPiped(t *testing.T, env []string, args ...string) *started {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &started{stdout: r, stderr: &syncBuffer{}, data: t.TempDir()}
	t.Cleanup(func() { r.Close() })
	s.cmd = exec.Command(binary(t), args...)
	s.cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "PARLEY_DATA_DIR=" + s.data}, env...)
	s.cmd.Stdout, s.cmd.Stderr = w, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

// waitFull waits until the pipe holds at least n unread bytes: the
// binary is blocked writing the answer.
func (s *started) waitFull(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var queued int32
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, s.stdout.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&queued))); errno != 0 {
			t.Fatalf("FIONREAD: %v", errno)
		}
		if int(queued) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d bytes on stdout after 20s; stderr %q", queued, s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits for the binary to exit and returns its exit status, -1 when
// a signal killed it.
func (s *started) wait(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("parley did not exit; stderr %q", s.stderr.String())
		return 0
	}
}

// lastAnswer returns the last message saved in the store at dir.
func lastAnswer(t *testing.T, dir string) store.Message {
	t.Helper()
	conv := latestConversation(t, dir)
	return conv.Messages[len(conv.Messages)-1]
}

// TestFaultsCancelUnderLoad interrupts a fast answer that a slow reader
// has not read yet: the one-shot exits 130, and the saved answer is what
// was printed, marked stopped; --json ends with an error object.
func TestFaultsCancelUnderLoad(t *testing.T) {
	for _, b := range backends {
		for _, asJSON := range []bool{false, true} {
			name := b.name
			if asJSON {
				name += "/json"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv, answer := fastAnswer(t, b)
				args := []string{"-m", b.name + ":m", "--base-url", srv.URL, "-p", "q"}
				if asJSON {
					args = append(args, "--json")
				}
				s := startPiped(t, append([]string{noRetry(t)}, b.key...), args...)
				s.waitFull(t, 32<<10)
				s.cmd.Process.Signal(syscall.SIGINT)
				out, err := io.ReadAll(s.stdout)
				if err != nil {
					t.Fatal(err)
				}
				code := s.wait(t)
				printed := string(out)
				if asJSON {
					printed = jsonText(t, out)
				}
				if code != 130 || s.stderr.String() != "" {
					t.Errorf("exit %d, stderr %q; want 130 and nothing on stderr", code, s.stderr.String())
				}
				if len(printed) == len(answer) || !strings.HasPrefix(answer, printed) {
					t.Errorf("printed %d bytes, not a strict prefix of the answer", len(printed))
				}
				m := lastAnswer(t, s.data)
				if m.Status != store.StatusStopped || m.Text != printed {
					t.Errorf("saved %d bytes with status %s; want the %d printed, stopped", len(m.Text), m.Status, len(printed))
				}
			})
		}
	}
}

// jsonText checks that --json output ends with an error object and
// returns the text its text objects carry.
func jsonText(t *testing.T, out []byte) string {
	t.Helper()
	var text strings.Builder
	var last jsonChunk
	for line := range bytes.Lines(out) {
		if err := json.Unmarshal(line, &last); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if last.Type == "text" {
			text.WriteString(last.Text)
		}
	}
	if last.Type != "error" || last.Error == "" {
		t.Errorf("--json ends with %+v, want an error object", last)
	}
	return text.String()
}

// TestFaultsClosedPipe closes stdout after a few hundred bytes, as
// `parley -p ... | head -c 300` does: no crash and no message, exit 141,
// and the store keeps at least what the reader read, marked stopped.
func TestFaultsClosedPipe(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv, answer := fastAnswer(t, b)
			s := startPiped(t, append([]string{noRetry(t)}, b.key...), "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			head := make([]byte, 300)
			if _, err := io.ReadFull(s.stdout, head); err != nil {
				t.Fatal(err)
			}
			s.stdout.Close()
			code := s.wait(t)
			if code != 141 || s.stderr.String() != "" {
				t.Errorf("exit %d, stderr %q; want 141 and nothing on stderr", code, s.stderr.String())
			}
			m := lastAnswer(t, s.data)
			if m.Status != store.StatusStopped || !strings.HasPrefix(m.Text, string(head)) || !strings.HasPrefix(answer, m.Text) {
				t.Errorf("saved %q… (%d bytes) with status %s; want at least what was read, stopped", m.Text[:min(len(m.Text), 40)], len(m.Text), m.Status)
			}
		})
	}
}

// slowAnswer serves the start of b's answer and then nothing more, until
// the client goes away.
func slowAnswer(t *testing.T, b backend, words ...string) *streamtest.Server {
	t.Helper()
	return streamtest.NewServer(t, b.stream(streamtest.Write(b.partial(words...)), streamtest.Stall()))
}

// TestFaultsHangUp sends SIGHUP (the terminal closed) during a one-shot:
// what was printed is saved, marked stopped.
func TestFaultsHangUp(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := slowAnswer(t, b, "partial", " words")
			s := startPiped(t, append([]string{noRetry(t)}, b.key...), "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			got := make([]byte, len("partial words"))
			if _, err := io.ReadFull(s.stdout, got); err != nil {
				t.Fatal(err)
			}
			s.cmd.Process.Signal(syscall.SIGHUP)
			rest, _ := io.ReadAll(s.stdout)
			code := s.wait(t)
			printed := string(got) + string(rest)
			if code != 130 || printed != "partial words" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 130 and the partial answer", code, printed, s.stderr.String())
			}
			if m := lastAnswer(t, s.data); m.Status != store.StatusStopped || m.Text != printed {
				t.Errorf("saved %q with status %s; want %q, stopped", m.Text, m.Status, printed)
			}
		})
	}
}

// TestChatSignals sends SIGTERM, then SIGHUP, to the chat while an answer
// streams: the chat ends with status 130 and the answer is saved as far as
// it arrived, marked stopped. SIGTERM is sent a few times: a Bubble Tea
// handler racing ours once made it exit 0, now and then.
func TestChatSignals(t *testing.T) {
	b := backends[0]
	signals := []syscall.Signal{syscall.SIGTERM, syscall.SIGTERM, syscall.SIGTERM, syscall.SIGTERM, syscall.SIGTERM, syscall.SIGHUP}
	for _, sig := range signals {
		t.Run(sig.String(), func(t *testing.T) {
			srv := slowAnswer(t, b, "partial", " words")
			data := t.TempDir()
			ptmx, tty := openPTY(t, 30, 100)
			cmd := exec.Command(binary(t), "-m", "openai:m", "--base-url", srv.URL)
			cmd.Env = append([]string{"HOME=" + t.TempDir(), "PARLEY_CONFIG=/dev/null", "PARLEY_DATA_DIR=" + data,
				"TERM=xterm-256color"}, b.key...)
			screen := &syncBuffer{}
			copied := startOnPTY(t, cmd, ptmx, tty, true, screen)
			defer cmd.Process.Kill()
			waitFor(t, screen, "Ask anything") // the chat is up
			io.WriteString(ptmx, "hello\r")
			waitFor(t, screen, "words")
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var code int
			select {
			case err := <-done:
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
			case <-time.After(15 * time.Second):
				t.Fatal("the chat did not exit")
			}
			ptmx.Close()
			<-copied
			if code != 130 {
				t.Errorf("exit %d, want 130; screen %q", code, tail(screen.String()))
			}
			if m := lastAnswer(t, data); m.Status != store.StatusStopped || m.Text != "partial words" {
				t.Errorf("saved %q with status %s; want the partial answer, stopped", m.Text, m.Status)
			}
		})
	}
}

// waitFor waits until the terminal has shown want.
func waitFor(t *testing.T, screen *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(screen.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %q: %q", want, tail(screen.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tail(s string) string { return s[max(0, len(s)-2000):] }

// TestFaultsHangUpOnTerminal closes the terminal of a one-shot that is
// rendering an answer, as closing its window does: what was shown is
// saved, marked stopped, though writing to the terminal now fails.
func TestFaultsHangUpOnTerminal(t *testing.T) {
	b := backends[0]
	srv := slowAnswer(t, b, "partial", " words")
	data := t.TempDir()
	ptmx, tty := openPTY(t, 0, 0)
	cmd := exec.Command(binary(t), "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PARLEY_CONFIG=/dev/null", "PARLEY_DATA_DIR=" + data, "TERM=xterm-256color"}, b.key...)
	cmd.Stdout, cmd.Stderr = tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	defer cmd.Process.Kill()
	// Read without a goroutine blocked in a read, which would keep the
	// terminal open after Close.
	fd := int(ptmx.Fd())
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	var screen []byte
	buf := make([]byte, 4096)
	for deadline := time.Now().Add(15 * time.Second); !bytes.Contains(screen, []byte("words")); {
		n, err := syscall.Read(fd, buf)
		switch {
		case n > 0:
			screen = append(screen, buf[:n]...)
		case err == syscall.EAGAIN && time.Now().Before(deadline):
			time.Sleep(10 * time.Millisecond)
		default:
			t.Fatalf("the answer never showed: %v; %q", err, screen)
		}
	}
	ptmx.Close() // the window goes away: writing to the terminal now fails
	cmd.Process.Signal(syscall.SIGHUP)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("parley did not exit")
	}
	if m := lastAnswer(t, data); m.Status != store.StatusStopped || m.Text != "partial words" {
		t.Errorf("saved %q with status %s; want the partial answer, stopped", m.Text, m.Status)
	}
}
