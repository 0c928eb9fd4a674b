// Command e2e is Parley's end-to-end benchmark: it runs the built binary
// the ways people use it — one-shot with stdout to a pipe, one-shot on a
// terminal, and the interactive chat on a terminal — against a scripted
// OpenAI-compatible server on 127.0.0.1 (internal/chatserver), measures the
// time to the first and the last word (on screen, for a terminal), CPU
// time and peak RSS, does the same request with curl -N as the floor, and
// prints a table of medians with the ratio to curl measured in the same
// runs. It exits 1 when a target of issue 7 is missed or a run fails.
//
//	cd bench && go run ./e2e              # the figures, checked against the targets
//	cd bench && go run ./e2e -smoke       # tiny sizes once: everything works (no targets)
//	cd bench && go run ./e2e -only=chat -runs=3 -v
//
// See bench/E2E.md for how words are detected on screen and for figures.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// What the runs send and look for.
const (
	model     = "bench"
	spec      = "openai:" + model // shown in the chat's status line: its first frame
	prompt    = "Please write the long structured answer."
	firstWord = chatserver.FirstWord
	lastWord  = chatserver.LastWord
)

// The sizes of issue 7's targets; the targets are checked only at these
// sizes, with the server sending as fast as it can.
const (
	issueTokens = 10000
	issueMid    = 2000
	issueSmall  = 100
)

// config is the command line.
type config struct {
	bin, profile       string
	tokens, mid, small int
	runs               int
	rate               float64
	paced              time.Duration // how long a paced answer lasts
	smoke, verbose     bool
	only               map[string]bool
	cols, rows         int
	timeout            time.Duration
	checkTargets, warm bool
	env                []string // added to the product's environment
}

// envFlag collects repeated -env KEY=VALUE flags.
type envFlag struct{ vals *[]string }

func (e envFlag) String() string {
	if e.vals == nil {
		return ""
	}
	return strings.Join(*e.vals, " ")
}

func (e envFlag) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, not %q", v)
	}
	*e.vals = append(*e.vals, v)
	return nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(2)
	}
	os.Exit(run(cfg))
}

func parseFlags(args []string) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	fs.StringVar(&cfg.bin, "bin", "", "the product's binary (default: go build the module above bench/)")
	fs.StringVar(&cfg.profile, "profile", "", "build the product with a CPU and allocation profiler (go build -overlay) and write each run's profiles into this directory")
	fs.IntVar(&cfg.tokens, "tokens", issueTokens, "answer length of the large cases, in tokens")
	fs.IntVar(&cfg.mid, "mid", issueMid, "answer length of the mid-size interactive case")
	fs.IntVar(&cfg.small, "small", issueSmall, "answer length of the small one-shot case")
	fs.IntVar(&cfg.runs, "runs", 5, "measured runs of each case (after one warm-up run)")
	fs.Float64Var(&cfg.rate, "rate", 0, "tokens a second the server sends; 0: as fast as it can")
	fs.DurationVar(&cfg.paced, "paced", 5*time.Second, "how long the answers of the paced cases (chat-20, terminal-100, …) last, and the idle case idles")
	fs.BoolVar(&cfg.smoke, "smoke", false, "tiny sizes, one run, no warm-up, no targets: check that everything works")
	fs.BoolVar(&cfg.verbose, "v", false, "print every run's measurements")
	fs.Var(envFlag{&cfg.env}, "env", "KEY=VALUE added to the product's environment, e.g. GOGC=50 (repeatable)")
	only := fs.String("only", "", "comma-separated cases to run: "+strings.Join(caseNames(), ","))
	size := fs.String("size", "120x40", "terminal size, COLSxROWS")
	fs.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "longest wait for any one step of a run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.profile != "" && cfg.bin != "" {
		return nil, errors.New("-profile builds the product: it does not go with -bin")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if _, err := fmt.Sscanf(*size, "%dx%d", &cfg.cols, &cfg.rows); err != nil || cfg.cols < 20 || cfg.rows < 5 {
		return nil, fmt.Errorf("-size %q: want COLSxROWS, at least 20x5", *size)
	}
	if *only != "" {
		cfg.only = map[string]bool{}
		for _, name := range strings.Split(*only, ",") {
			if !isCase(name) {
				return nil, fmt.Errorf("-only: no case %q (cases: %s)", name, strings.Join(caseNames(), ", "))
			}
			cfg.only[name] = true
		}
	}
	if cfg.smoke {
		cfg.tokens, cfg.mid, cfg.small, cfg.runs = 300, 60, 20, 1
		cfg.paced = min(cfg.paced, 300*time.Millisecond)
		cfg.timeout = min(cfg.timeout, 20*time.Second)
	}
	if cfg.runs < 1 || min(cfg.tokens, cfg.mid, cfg.small) < chatserver.MinTokens {
		return nil, fmt.Errorf("want -runs ≥ 1 and sizes ≥ %d tokens", chatserver.MinTokens)
	}
	if cfg.profile != "" {
		abs, err := filepath.Abs(cfg.profile)
		if err == nil {
			err = os.MkdirAll(abs, 0o755)
		}
		if err != nil {
			return nil, fmt.Errorf("-profile: %w", err)
		}
		cfg.profile = abs
	}
	cfg.warm = !cfg.smoke
	cfg.checkTargets = !cfg.smoke && cfg.rate == 0 &&
		cfg.tokens == issueTokens && cfg.mid == issueMid && cfg.small == issueSmall
	return cfg, nil
}

// run measures and reports; it returns the exit status.
func run(cfg *config) int {
	box, err := newSandbox()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer box.remove()
	if cfg.bin == "" {
		if cfg.bin, err = build(box.dir, cfg.profile); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	r := &runner{bin: cfg.bin, env: box.env(), extraEnv: cfg.env, cols: cfg.cols, rows: cfg.rows, timeout: cfg.timeout, verbose: cfg.verbose, profileDir: cfg.profile, pacedFor: cfg.paced}
	if _, err := exec.LookPath("curl"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: no curl on PATH: the floor column is empty")
		r.noCurl = true
	}
	printMachine(cfg)
	results, err := measure(cfg, r)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	status := report(os.Stdout, cfg, results)
	if cfg.profile != "" {
		fmt.Printf("\nprofiles of every run are in %s; e.g. go tool pprof -top %s\n",
			cfg.profile, filepath.Join(cfg.profile, "chat-[1-9]*.cpu.pprof"))
	}
	return status
}
