package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// sample is what one run of one process measured. Times of words are from
// the run's reference point: the process start for a one-shot run, the
// Enter that sends the prompt for an interactive one.
type sample struct {
	first, last time.Duration // first and last word of the answer seen
	startup     time.Duration // process start → first interactive frame
	wall        time.Duration // process start → exit
	cpu         time.Duration // user + system
	rss         int64         // peak resident set, bytes
	anon        int64         // peak of its anonymous part (heap, stacks), bytes

	// Paced cases (paced.go).
	cpuPct         float64 // CPU time over the answer's time, % of a core
	p50, p99, pmax float64 // arrival → on screen of the markers seen, ns
	marks, missed  int     // markers sent; of them, never seen on screen
}

// finish fills in the CPU time of the exited process and its peak RSS.
func (s *sample) finish(ps *os.ProcessState, rss *peakRSS) {
	s.cpu = ps.UserTime() + ps.SystemTime()
	s.rss, s.anon = rss.stop()
}

// peakRSS follows the peak resident set of a running process: VmHWM of
// /proc/PID/status, read every rssInterval and when asked. The rusage of
// the exited process cannot say it: Go starts a child with vfork, and
// Linux counts the parent's peak at the child's exec in the child's
// ru_maxrss, so every child would weigh at least as much as this harness.
type peakRSS struct {
	path string
	max  atomic.Int64 // VmHWM
	anon atomic.Int64 // the largest RssAnon read
	quit chan struct{}
	done chan struct{}
}

// rssInterval is how often peakRSS reads; a process grows little in the
// last interval before it exits.
const rssInterval = 2 * time.Millisecond

func watchRSS(pid int) *peakRSS {
	p := &peakRSS{path: fmt.Sprintf("/proc/%d/status", pid), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(rssInterval)
		defer t.Stop()
		for {
			p.read()
			select {
			case <-t.C:
			case <-p.quit:
				return
			}
		}
	}()
	return p
}

// read takes one reading, if the process is still there.
func (p *peakRSS) read() {
	data, err := os.ReadFile(p.path)
	if err != nil {
		return
	}
	raise(&p.max, statusBytes(data, "VmHWM:"))
	raise(&p.anon, statusBytes(data, "RssAnon:"))
}

// statusBytes reads the "KEY:   123 kB" line of /proc/PID/status; 0 when
// it is not there.
func statusBytes(status []byte, key string) int64 {
	_, rest, ok := bytes.Cut(status, []byte(key))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(line)), " kB"), 10, 64)
	if err != nil {
		return 0
	}
	return kib << 10
}

// raise sets v to n if n is larger (only peakRSS's reader and its owner,
// one at a time, write).
func raise(v *atomic.Int64, n int64) {
	if n > v.Load() {
		v.Store(n)
	}
}

// stop ends the readings and returns the peaks of the resident set and of
// its anonymous part, in bytes.
func (p *peakRSS) stop() (rss, anon int64) {
	close(p.quit)
	<-p.done
	return p.max.Load(), p.anon.Load()
}

// sandbox is a private HOME for the product, so that runs neither read
// nor write the user's config, history or conversations.
type sandbox struct{ dir string }

func newSandbox() (*sandbox, error) {
	dir, err := os.MkdirTemp("", "parley-e2e-")
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"config", "data", "state", "cache", "parley-data"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	return &sandbox{dir: dir}, nil
}

func (s *sandbox) remove() { os.RemoveAll(s.dir) }

// env is the whole environment of a child process: nothing is inherited
// but PATH, so that no OPENAI_BASE_URL or config of the user's leaks in.
func (s *sandbox) env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.dir,
		"XDG_CONFIG_HOME=" + filepath.Join(s.dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(s.dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(s.dir, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(s.dir, "cache"),
		"PARLEY_DATA_DIR=" + filepath.Join(s.dir, "parley-data"),
		"OPENAI_API_KEY=sk-bench",
		"TERM=xterm-256color",
		"COLORTERM=truecolor",
		"LANG=C.UTF-8",
	}
}

// runPiped runs argv with stdout to a pipe, and times the first and the
// last word of the answer in what it writes. The bytes are searched as
// they come, so the times are when the words reached the reader.
func runPiped(argv, env []string, timeout time.Duration) (sample, error) {
	var s sample
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return s, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return s, err
	}
	rss := watchRSS(cmd.Process.Pid)
	var timedOut atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		killGroup(cmd)
	})
	defer timer.Stop()
	first, last := newFinder(firstWord), newFinder(lastWord)
	buf := make([]byte, 256<<10)
	for {
		n, rerr := out.Read(buf)
		now := time.Since(start)
		if n > 0 {
			if s.first == 0 && first.feed(buf[:n]) {
				s.first = now
			}
			if s.last == 0 && last.feed(buf[:n]) {
				s.last = now
			}
		}
		if rerr != nil {
			break
		}
	}
	rss.read() // stdout is closed: the process is exiting, if not gone
	werr := cmd.Wait()
	s.wall = time.Since(start)
	s.finish(cmd.ProcessState, rss)
	switch {
	case timedOut.Load():
		return s, fmt.Errorf("%s: %w after %v", filepath.Base(argv[0]), errTimeout, timeout)
	case werr != nil:
		return s, fmt.Errorf("%s: %v: %s", filepath.Base(argv[0]), werr, strings.TrimSpace(stderr.String()))
	case s.first == 0 || s.last == 0:
		return s, fmt.Errorf("%s: the answer's first or last word never came (%q, %q)", filepath.Base(argv[0]), firstWord, lastWord)
	}
	return s, nil
}

// finder finds a word in a stream read in pieces.
type finder struct {
	word []byte
	tail []byte // the end of what was fed, shorter than word
}

func newFinder(word string) *finder { return &finder{word: []byte(word)} }

// feed reports whether word is in what was fed so far, counting from the
// last call that reported false.
func (f *finder) feed(p []byte) bool {
	joined := append(f.tail, p[:min(len(p), len(f.word)-1)]...)
	if bytes.Contains(joined, f.word) || bytes.Contains(p, f.word) {
		return true
	}
	keep := p[max(0, len(p)-(len(f.word)-1)):]
	if len(p) < len(f.word)-1 {
		keep = append(f.tail, p...)
		keep = keep[max(0, len(keep)-(len(f.word)-1)):]
	}
	f.tail = append(f.tail[:0:0], keep...)
	return false
}

// limitWriter keeps the first n bytes written to it and drops the rest.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// killGroup kills cmd's process group (cmd leads it): whatever it
// started goes too, and with it the last holder of its pipe or pty.
func killGroup(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// errTimeout is a run that did not finish in time.
var errTimeout = errors.New("timed out")
