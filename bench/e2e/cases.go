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
}

var cases = []benchCase{
	{"piped", "one-shot piped, %s tokens", func(c *config) int { return c.tokens }, (*runner).piped},
	{"small", "one-shot piped, %s tokens", func(c *config) int { return c.small }, (*runner).piped},
	{"terminal", "one-shot on a terminal, %s tokens", func(c *config) int { return c.tokens }, (*runner).onTerminal},
	{"chat-mid", "interactive, %s tokens", func(c *config) int { return c.mid }, (*runner).interactive},
	{"chat", "interactive, %s tokens", func(c *config) int { return c.tokens }, (*runner).interactive},
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
		srv, err := chatserver.Start(chatserver.Options{Answer: answer(c.tokens(cfg), cfg.rate), Model: model})
		if err != nil {
			return nil, err
		}
		results = append(results, &result{c: c, tokens: c.tokens(cfg), srv: srv})
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
			p, cu, err := runOnce(r, res.c, res.srv)
			if err != nil {
				res.err = err
				fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", res.c.name, err)
				continue
			}
			if cfg.verbose {
				fmt.Fprintf(os.Stderr, "%-8s run %d%s\n  parley %s\n  curl   %s\n", res.c.name, round,
					map[bool]string{true: " (warm-up)"}[warmup], p, cu)
			}
			if !warmup {
				res.parley = append(res.parley, p)
				res.curl = append(res.curl, cu)
			}
		}
	}
	return results, nil
}

// answer is what the server streams: n tokens of markdown (see
// chatserver.Markdown) after the role, one event a token, at rate tokens a
// second or as fast as it can, then the finish, the usage and [DONE].
func answer(n int, rate float64) chatserver.Answer {
	var pause time.Duration
	if rate > 0 {
		pause = time.Duration(float64(time.Second) / rate)
	}
	toks := chatserver.Markdown(n)
	return chatserver.Answer{Role: true, Tokens: toks, Usage: &chatserver.Usage{Prompt: 12, Completion: len(toks)}, Pause: pause}
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
	return out
}
