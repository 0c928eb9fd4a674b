package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// Paced cases (issue 17): a model sends 20–200 tokens a second for
// minutes, and what matters then is what showing them costs: CPU as a
// share of a core while the answer streams, peak RSS, and how long a
// token takes from the socket to the screen.
//
// The answer is chatserver's, with every markEvery-th word of a
// paragraph, list item or quote replaced by a marker word (zq00001,
// zq00002, …) that occurs nowhere else. The server notes when it writes
// each marker, and the terminal watches for it: the difference is the
// token's latency, arrival → on screen (chatserver's OnDelta is that
// note).

// markEvery is how often an eligible word becomes a marker: a quarter of
// the prose, so that the text stays realistic and the watches few.
const markEvery = 4

// pacedServer is a chatserver that streams a marked answer at a fixed
// rate, and calls a hook just before it writes each marker.
type pacedServer struct {
	*chatserver.Server
	marks map[int]string // token index → the marker it carries

	mu     sync.Mutex
	onMark func(mark string) // the run's hook, set before it starts
}

// startPaced starts a paced server of n tokens at rate tokens a second.
func startPaced(n int, rate float64) (*pacedServer, error) {
	toks, marks := markTokens(chatserver.Markdown(n))
	s := &pacedServer{marks: marks}
	srv, err := chatserver.Start(chatserver.Options{Answer: answer(toks, rate), Model: model, OnDelta: s.delta})
	if err != nil {
		return nil, err
	}
	s.Server = srv
	return s, nil
}

// delta calls the hook if token i carries a marker.
func (s *pacedServer) delta(i int) {
	m, ok := s.marks[i]
	if !ok {
		return
	}
	s.mu.Lock()
	onMark := s.onMark
	s.mu.Unlock()
	if onMark != nil {
		onMark(m)
	}
}

// markTokens replaces every markEvery-th word of prose (a token that is a
// space and a lowercase word, on a line of a paragraph, a list item or a
// quote) by a marker word of the same shape; it returns the tokens and the
// markers by token index.
func markTokens(toks []string) ([]string, map[int]string) {
	out := slices.Clone(toks)
	marks := map[int]string{}
	var line strings.Builder // the source line so far
	eligible := 0
	for i, t := range toks {
		if j := strings.LastIndexByte(t, '\n'); j >= 0 {
			line.Reset()
			line.WriteString(t[j+1:])
			continue
		}
		if isProse(line.String()) && len(t) > 2 && t[0] == ' ' && strings.Trim(t[1:], "abcdefghijklmnopqrstuvwxyz") == "" {
			eligible++
			if eligible%markEvery == 0 {
				out[i] = fmt.Sprintf(" zq%05d", len(marks)+1)
				marks[i] = out[i][1:]
			}
		}
		line.WriteString(t)
	}
	return out, marks
}

// isProse reports whether a markdown source line that starts with start
// is a paragraph, a list item or a quote, which glamour wraps at spaces:
// a word there is shown whole.
func isProse(start string) bool {
	switch {
	case start == "":
		return false
	case start[0] >= 'A' && start[0] <= 'Z', strings.HasPrefix(start, "- "), strings.HasPrefix(start, "> "):
		return true
	}
	digits := strings.TrimLeft(start, "0123456789")
	return len(digits) < len(start) && strings.HasPrefix(digits, ". ")
}

// setHook sets what is called just before a marker is written.
func (s *pacedServer) setHook(f func(mark string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMark = f
}

// pacedTokens is the length of a paced answer of rate tokens a second
// lasting d.
func pacedTokens(rate float64, d time.Duration) int {
	return max(chatserver.MinTokens, int(rate*d.Seconds()))
}

// markWatch is a marker sent, and the watch for it on screen.
type markWatch struct {
	sent time.Time
	w    *watch
}

// markers follows the markers of one run: each is watched for on t from
// just before the server writes it.
type markers struct {
	t  *terminal
	mu sync.Mutex
	ws []markWatch
}

func (m *markers) sent(mark string) {
	w := m.t.watchNew(mark)
	m.mu.Lock()
	m.ws = append(m.ws, markWatch{sent: time.Now(), w: w})
	m.mu.Unlock()
}

// latencies fills in s's latency figures: p50, p99 and the largest of
// arrival → on screen over the markers seen, and how many never showed.
func (m *markers) latencies(s *sample) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var lat []float64
	for _, mw := range m.ws {
		select {
		case at := <-mw.w.at:
			lat = append(lat, float64(at.Sub(mw.sent)))
		default:
			s.missed++
		}
	}
	s.marks = len(m.ws)
	if len(lat) == 0 {
		s.p50, s.p99, s.pmax = math.NaN(), math.NaN(), math.NaN()
		return
	}
	slices.Sort(lat)
	s.p50, s.p99, s.pmax = percentile(lat, 0.5), percentile(lat, 0.99), lat[len(lat)-1]
}

// percentile of sorted xs, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// cpuTicks is the CPU time of process pid so far (user + system, all its
// threads), from /proc/PID/stat; ok is false when it cannot be read.
func cpuTicks(pid int) (time.Duration, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The fields after the command (which may hold spaces) start with the
	// state, field 3; utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(data), ')')
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+st) * time.Second / clockTicks, true
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// cpuMeter measures the CPU share of a process between two points.
type cpuMeter struct {
	pid   int
	cpu   time.Duration
	at    time.Time
	valid bool
}

func (c *cpuMeter) start(pid int) {
	c.pid = pid
	c.cpu, c.valid = cpuTicks(pid)
	c.at = time.Now()
}

// share returns the CPU used since start as a percentage of one core.
func (c *cpuMeter) share() float64 {
	cpu, ok := cpuTicks(c.pid)
	d := time.Since(c.at)
	if !ok || !c.valid || d <= 0 {
		return math.NaN()
	}
	return 100 * float64(cpu-c.cpu) / float64(d)
}

// pacedChat opens the chat, sends the prompt and follows a paced answer:
// the CPU share between the first and the last word on screen, each
// marker's latency, then Ctrl+D. flags go to the chat's command line
// (--inline for the inline chat's cases).
func (r *runner) pacedChat(srv *pacedServer, flags ...string) (sample, error) {
	var s sample
	p, err := r.openTyped(&s, srv.URL, flags...)
	if err != nil {
		return s, err
	}
	defer p.close()
	t := p.t
	marks := &markers{t: t}
	srv.setHook(marks.sent)
	defer srv.setHook(nil)
	first, last := t.watch(firstWord), t.watch(lastWord)
	sent := time.Now()
	if err := t.send("\r"); err != nil {
		return s, p.fail("sending", err)
	}
	if _, err := r.followPaced(&s, p, first, last, sent, marks); err != nil {
		return s, err
	}
	err = p.quit(&s)
	return s, err
}

// pacedTerminal runs a one-shot answer on a terminal, paced, as
// pacedChat measures the chat.
func (r *runner) pacedTerminal(srv *pacedServer) (sample, error) {
	var s sample
	t := newTerminal(r.cols, r.rows)
	marks := &markers{t: t}
	srv.setHook(marks.sent)
	defer srv.setHook(nil)
	first, last := t.watch(firstWord), t.watch(lastWord)
	p, err := r.startOn(t, oneShotArgs(srv.URL)...)
	if err != nil {
		return s, err
	}
	defer p.close()
	cpu, err := r.followPaced(&s, p, first, last, p.start, marks)
	if err != nil {
		return s, err
	}
	err = p.exit(&s, "after the last word")
	if math.IsNaN(s.cpuPct) && err == nil {
		// The printer exits as soon as it has drawn the last word, often
		// before /proc could be read: the rest is the exited process's
		// rusage, the end of the answer's time its exit.
		s.cpuPct = 100 * float64(s.cpu-cpu.cpu) / float64(p.start.Add(s.wall).Sub(cpu.at))
	}
	return s, err
}

// followPaced waits for the first and the last word of a paced answer,
// measuring the CPU share between them (NaN if the process is gone by
// then), then the markers' latencies. It returns the CPU meter, started at
// the first word.
func (r *runner) followPaced(s *sample, p *ptyRun, first, last *watch, from time.Time, marks *markers) (cpuMeter, error) {
	var cpu cpuMeter
	at, err := p.t.wait(first, r.timeout)
	if err != nil {
		return cpu, p.fail("answer", err)
	}
	s.first = at.Sub(from)
	cpu.start(p.cmd.Process.Pid)
	if at, err = p.t.wait(last, r.timeout); err != nil {
		return cpu, p.fail("answer", err)
	}
	s.last = at.Sub(from)
	s.cpuPct = cpu.share()
	p.rss.read()
	marks.latencies(s)
	return cpu, nil
}

// idle opens the chat, with flags, and measures its CPU share while
// nothing happens.
func (r *runner) idle(d time.Duration, flags ...string) (sample, error) {
	var s sample
	p, err := r.openChat(&s, "http://127.0.0.1:9/v1", flags...)
	if err != nil {
		return s, err
	}
	defer p.close()
	time.Sleep(min(d/5, time.Second)) // start-up's garbage collected, the terminal's answers read
	var cpu cpuMeter
	cpu.start(p.cmd.Process.Pid)
	time.Sleep(d)
	s.cpuPct = cpu.share()
	p.rss.read()
	err = p.quit(&s)
	return s, err
}
