package main

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// A case is one way of running the product, at one answer size, with its
// curl floor; each has its own server.
type benchCase struct {
	name   string
	title  string // how the table names it, with %s for the tokens
	tokens func(*config) int
	run    func(r *runner, baseURL string) (sample, error)

	// Paced cases (issue 17, paced.go): the answer comes from a
	// pacedServer at rate tokens a second, and has no curl floor.
	rate  float64
	paced func(r *runner, srv *pacedServer) (sample, error)
}

// pacedRates are the rates of the paced cases, in tokens a second: a slow
// model, a usual one, a fast one.
var pacedRates = []int{20, 100, 1000}

func init() {
	inline := func(r *runner, srv *pacedServer) (sample, error) { return r.pacedChat(srv, "--inline") }
	for _, rate := range pacedRates {
		tokens := func(c *config) int { return pacedTokens(float64(rate), c.paced) }
		cases = append(cases,
			benchCase{name: fmt.Sprintf("chat-%d", rate), title: fmt.Sprintf("interactive, %%s tokens at %d/s", rate),
				tokens: tokens, rate: float64(rate), paced: func(r *runner, srv *pacedServer) (sample, error) { return r.pacedChat(srv) }},
			benchCase{name: fmt.Sprintf("inline-%d", rate), title: fmt.Sprintf("inline chat, %%s tokens at %d/s", rate),
				tokens: tokens, rate: float64(rate), paced: inline},
			benchCase{name: fmt.Sprintf("terminal-%d", rate), title: fmt.Sprintf("one-shot on a terminal, %%s tokens at %d/s", rate),
				tokens: tokens, rate: float64(rate), paced: (*runner).pacedTerminal})
	}
	none := func(*config) int { return chatserver.MinTokens }
	cases = append(cases,
		benchCase{name: "idle", title: "interactive, idle (%s tokens: none asked for)", tokens: none, rate: -1, // the server is never asked
			paced: func(r *runner, _ *pacedServer) (sample, error) { return r.idle(r.pacedFor) }},
		benchCase{name: "idle-inline", title: "inline chat, idle (%s tokens: none asked for)", tokens: none, rate: -1,
			paced: func(r *runner, _ *pacedServer) (sample, error) { return r.idle(r.pacedFor, "--inline") }})
}

var cases = []benchCase{
	{name: "piped", title: "one-shot piped, %s tokens", tokens: func(c *config) int { return c.tokens }, run: (*runner).piped},
	{name: "small", title: "one-shot piped, %s tokens", tokens: func(c *config) int { return c.small }, run: (*runner).piped},
	{name: "terminal", title: "one-shot on a terminal, %s tokens", tokens: func(c *config) int { return c.tokens }, run: (*runner).onTerminal},
	{name: "chat-mid", title: "interactive, %s tokens", tokens: func(c *config) int { return c.mid }, run: (*runner).interactive},
	{name: "chat", title: "interactive, %s tokens", tokens: func(c *config) int { return c.tokens }, run: (*runner).interactive},
}

func caseNames() []string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	return names
}

func isCase(name string) bool { return slices.Contains(caseNames(), name) }

// result is what the runs of one case measured.
type result struct {
	c            *benchCase
	tokens       int
	srv          *chatserver.Server
	pacedSrv     *pacedServer // a paced case's server, srv too
	parley, curl []sample
	err          error // the run that failed, if one did
}

// measure runs every chosen case cfg.runs times, after a warm-up run
// unless smoke. Runs go round the cases, curl just before the product
// each time, so that both see the same load.
func measure(cfg *config, r *runner) ([]*result, error) {
	var results []*result
	defer func() {
		for _, res := range results {
			res.srv.Close()
		}
	}()
	for i := range cases {
		c := &cases[i]
		if cfg.only != nil && !cfg.only[c.name] {
			continue
		}
		res := &result{c: c, tokens: c.tokens(cfg)}
		var err error
		if c.paced != nil {
			if res.pacedSrv, err = startPaced(res.tokens, max(c.rate, 1)); err == nil {
				res.srv = res.pacedSrv.Server
			}
		} else {
			res.srv, err = chatserver.Start(chatserver.Options{Answer: answer(chatserver.Markdown(res.tokens), cfg.rate), Model: model})
		}
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	rounds := cfg.runs
	if cfg.warm {
		rounds++
	}
	for round := range rounds {
		warmup := cfg.warm && round == 0
		for _, res := range results {
			if res.err != nil {
				continue
			}
			r.label = fmt.Sprintf("%s-%d", res.c.name, round)
			var p, cu sample
			var err error
			if res.pacedSrv != nil {
				p, err = runPaced(r, res)
			} else {
				p, cu, err = runOnce(r, res.c, res.srv)
			}
			if err != nil {
				res.err = err
				fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", res.c.name, err)
				continue
			}
			if cfg.verbose {
				fmt.Fprintf(os.Stderr, "%-8s run %d%s\n  parley %s\n", res.c.name, round,
					map[bool]string{true: " (warm-up)"}[warmup], p)
				if res.pacedSrv == nil {
					fmt.Fprintf(os.Stderr, "  curl   %s\n", cu)
				}
			}
			if !warmup {
				res.parley = append(res.parley, p)
				if res.pacedSrv == nil {
					res.curl = append(res.curl, cu)
				}
			}
		}
	}
	return results, nil
}

// answer is what the server streams: toks (chatserver.Markdown's) after
// the role, one event a token, at rate tokens a second or as fast as it
// can, then the finish, the usage and [DONE].
func answer(toks []string, rate float64) chatserver.Answer {
	var pause time.Duration
	if rate > 0 {
		pause = time.Duration(float64(time.Second) / rate)
	}
	return chatserver.Answer{Role: true, Tokens: toks, Usage: &chatserver.Usage{Prompt: 12, Completion: len(toks)}, Pause: pause}
}

// runPaced runs a paced case once, and checks that the product asked the
// server once (the idle case: never).
func runPaced(r *runner, res *result) (sample, error) {
	before := len(res.srv.Requests())
	s, err := res.c.paced(r, res.pacedSrv)
	if err != nil {
		return s, err
	}
	want := 1
	if res.c.rate < 0 {
		want = 0
	}
	if n := len(res.srv.Requests()) - before; n != want {
		return s, fmt.Errorf("parley asked the server %d times, want %d", n, want)
	}
	return s, nil
}

// runOnce runs curl, then the product, and checks that each asked the
// server exactly once.
func runOnce(r *runner, c *benchCase, srv *chatserver.Server) (parley, curl sample, err error) {
	if !r.noCurl {
		before := len(srv.Requests())
		if curl, err = r.curl(srv.URL, srv.RequestBody(prompt)); err != nil {
			return parley, curl, fmt.Errorf("curl: %w", err)
		}
		if n := len(srv.Requests()) - before; n != 1 {
			return parley, curl, fmt.Errorf("curl asked the server %d times, want once", n)
		}
	}
	before := len(srv.Requests())
	if parley, err = c.run(r, srv.URL); err != nil {
		return parley, curl, err
	}
	if n := len(srv.Requests()) - before; n != 1 {
		return parley, curl, fmt.Errorf("parley asked the server %d times, want once", n)
	}
	return parley, curl, nil
}

// String shows a sample on one line, for -v.
func (s sample) String() string {
	out := fmt.Sprintf("first %s  last %s  wall %s  cpu %s  rss %s (anon %s)",
		fmtDur(s.first), fmtDur(s.last), fmtDur(s.wall), fmtDur(s.cpu), fmtBytes(float64(s.rss)), fmtBytes(float64(s.anon)))
	if s.startup > 0 {
		out += "  startup " + fmtDur(s.startup)
	}
	if s.cpuPct != 0 || s.marks > 0 {
		out += fmt.Sprintf("  share %s  latency p50 %s p99 %s max %s (%d markers, %d not seen)",
			mShare.show(s.cpuPct), mP50.show(s.p50), mP99.show(s.p99), mPMax.show(s.pmax), s.marks, s.missed)
	}
	return out
}
