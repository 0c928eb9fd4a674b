package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// terminal runs a process on a pseudo-terminal and keeps a terminal
// emulator (charmbracelet/x/vt) fed with everything the process writes, as
// a terminal window would be. A word is on screen when the emulator's cells
// show it: after the cursor moves, erases, diffs and scrolls of the
// output have been applied, not merely when its bytes went by. Lines that
// scroll off the top are kept, so a word that flashed past still counts.
//
// The time a word appeared is when the read that completed it returned,
// before it was parsed: the pty is drained by one goroutine and emulated by
// another, so the emulator's own speed is counted neither against the
// process nor as a delay of its output.
type terminal struct {
	ptmx *os.File
	done chan struct{} // all was emulated, and the process and its tty are gone

	mu      sync.Mutex
	emu     *vt.Emulator
	bytes   int64         // read from the process
	parsing time.Duration // spent in the emulator and searching screens
	watches []*watch
	sbSeen  int // scrollback lines already searched
}

// watch waits for any of some texts to be on screen.
type watch struct {
	texts []string
	at    chan time.Time
}

func (w *watch) on(screen string) bool {
	for _, t := range w.texts {
		if strings.Contains(screen, t) {
			return true
		}
	}
	return false
}

func newTerminal(cols, rows int) *terminal {
	emu := vt.NewEmulator(cols, rows)
	emu.SetScrollbackSize(1 << 16)
	return &terminal{emu: emu, done: make(chan struct{})}
}

// start starts cmd with the terminal as its stdin, stdout, stderr and
// controlling terminal, and returns when it started.
func (t *terminal) start(cmd *exec.Cmd) (time.Time, error) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		return time.Time{}, fmt.Errorf("opening a pty: %w", err)
	}
	defer tty.Close()
	w, h := t.emu.Width(), t.emu.Height()
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		ptmx.Close()
		return time.Time{}, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	t.ptmx = ptmx
	start := time.Now()
	if err := cmd.Start(); err != nil {
		ptmx.Close()
		return time.Time{}, err
	}
	chunks := make(chan chunk, 1<<14)
	go t.read(chunks)
	go t.emulate(chunks)
	go t.reply()
	return start, nil
}

// chunk is what one read of the pty returned, and when.
type chunk struct {
	data []byte
	at   time.Time
}

// read drains the pty as fast as the process writes, so that the
// emulator's speed never holds the process back, and hands what it read to
// emulate. It stops when the process and its tty are gone (the pty reads
// EIO then).
func (t *terminal) read(chunks chan<- chunk) {
	defer close(chunks)
	buf := make([]byte, 256<<10)
	for {
		n, err := t.ptmx.Read(buf)
		if n > 0 {
			chunks <- chunk{data: append([]byte(nil), buf[:n]...), at: time.Now()}
		}
		if err != nil {
			return
		}
	}
}

// emulate feeds the emulator, and stamps a watch with the time the bytes
// that put its text on screen were read.
func (t *terminal) emulate(chunks <-chan chunk) {
	defer close(t.done)
	for c := range chunks {
		began := time.Now()
		t.mu.Lock()
		t.emu.Write(c.data)
		t.check(c.at, false)
		t.bytes += int64(len(c.data))
		t.parsing += time.Since(began)
		t.mu.Unlock()
	}
}

// reply sends the emulator's answers to the program's queries (cursor
// position, device attributes, colours) back to it, as a terminal does. It
// keeps draining after the process is gone, since the emulator blocks on
// an answer nobody reads.
func (t *terminal) reply() {
	buf := make([]byte, 4096)
	for {
		n, err := t.emu.Read(buf)
		if n > 0 {
			t.ptmx.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// check delivers the watches whose text is on screen or scrolled off
// since the last check (all of the scrollback when all is set). It is
// called with mu held.
func (t *terminal) check(now time.Time, all bool) {
	if len(t.watches) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString(t.emu.String())
	if sb := t.emu.Scrollback(); sb != nil {
		lines := sb.Lines()
		from := min(t.sbSeen, len(lines))
		if all {
			from = 0
		}
		for _, l := range lines[from:] {
			b.WriteByte('\n')
			b.WriteString(l.String())
		}
		t.sbSeen = len(lines)
	}
	screen := b.String()
	kept := t.watches[:0]
	for _, w := range t.watches {
		if w.on(screen) {
			w.at <- now
			continue
		}
		kept = append(kept, w)
	}
	t.watches = kept
}

// watch starts watching for any of texts; one may be on screen already.
func (t *terminal) watch(texts ...string) *watch {
	w := &watch{texts: texts, at: make(chan time.Time, 1)}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.watches = append(t.watches, w)
	t.check(time.Now(), true)
	return w
}

// watchNew starts watching for texts that cannot be on screen yet (the
// program has not been sent them): unlike watch, it searches nothing now.
func (t *terminal) watchNew(texts ...string) *watch {
	w := &watch{texts: texts, at: make(chan time.Time, 1)}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.watches = append(t.watches, w)
	return w
}

// wait returns when w's text came on screen.
func (t *terminal) wait(w *watch, timeout time.Duration) (time.Time, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case at := <-w.at:
		return at, nil
	case <-t.done:
		select {
		case at := <-w.at:
			return at, nil
		default:
		}
		return time.Time{}, fmt.Errorf("the program ended before %q was on screen", w.texts)
	case <-timer.C:
		return time.Time{}, fmt.Errorf("%q not on screen: %w after %v", w.texts, errTimeout, timeout)
	}
}

// send types s on the terminal's keyboard.
func (t *terminal) send(s string) error {
	_, err := io.WriteString(t.ptmx, s)
	return err
}

// screen returns the text on screen, for error reports.
func (t *terminal) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.String()
}

// close waits for the reader to see the process's tty gone (the process
// must have exited or been killed), then releases the pty.
func (t *terminal) close() error {
	var err error
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		err = errors.New("the pty stayed open after the program ended")
	}
	t.ptmx.Close()
	<-t.done
	t.emu.Close() // ends reply
	return err
}

// cost says how much the process wrote and how long the emulator took.
func (t *terminal) cost() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("terminal: %d bytes, emulated in %v", t.bytes, t.parsing.Round(time.Millisecond))
}
