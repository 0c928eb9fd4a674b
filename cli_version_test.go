package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/config"
)

func TestVersion(t *testing.T) {
	line := regexp.MustCompile(`^parley \S+ \((commit [0-9a-f]{12}(, modified)?; )?go1\.\S+ \w+/\w+\)\n$`)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := parley(t, "", nil, args...)
		if r.code != 0 || r.stderr != "" || !line.MatchString(r.stdout) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := parley(t, "", nil, "version", "extra")
	if want := "parley: parley version takes no arguments (got \"extra\")\n"; r.code != 2 || r.stderr != want {
		t.Errorf("version extra: exit %d, stderr %q; want exit 2, %q", r.code, r.stderr, want)
	}
}

func TestBuildInfoLine(t *testing.T) {
	b := buildInfo{version: "v1.2.0", commit: "0123456789abcdef0123", modified: true, goVer: "go1.26.0"}
	line := regexp.MustCompile(`^parley v1\.2\.0 \(commit 0123456789ab, modified; go1\.26\.0 \w+/\w+\)$`)
	if got := b.String(); !line.MatchString(got) {
		t.Errorf("String() = %q", got)
	}
}

func TestUserAgent(t *testing.T) {
	for _, name := range []string{"openai", "anthropic", "gemini"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			servers, env := wireServers(t)
			var key []string
			for _, b := range backends {
				if b.name == name {
					key = b.key
				}
			}
			r := parley(t, "", append(env, key...), "-m", name+":m", "-p", "q")
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if got := servers[name].got[0].Header.Get("User-Agent"); !regexp.MustCompile(`^parley/\S+$`).MatchString(got) {
				t.Errorf("User-Agent = %q, want parley/VERSION", got)
			}
		})
	}
}

func TestHelpDefaultsAndEnvironment(t *testing.T) {
	r := parley(t, "", nil, "--help")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	idle := regexp.MustCompile(`--idle-timeout duration .*\(default 5m\)\n`)
	if !idle.MatchString(r.stdout) || config.DefaultIdleTimeout.String() != "5m0s" {
		t.Errorf("help does not show the idle timeout's default of 5m:\n%s", r.stdout)
	}
	for _, v := range []string{"Environment:", "PARLEY_MODEL", "PARLEY_DEFAULT_PROVIDER", "PARLEY_CONFIG", "PARLEY_DATA_DIR",
		"PARLEY_THEME", "PARLEY_TIMEOUT", "PARLEY_IDLE_TIMEOUT", "OPENAI_API_KEY", "OLLAMA_HOST"} {
		if !strings.Contains(r.stdout, "\n  "+v) && !strings.Contains(r.stdout, v+"\n") && !strings.Contains(r.stdout, " "+v) {
			t.Errorf("help does not mention %s", v)
		}
	}
	if r := parley(t, "", nil, "sse", "--help"); strings.Contains(r.stdout, "Environment:") {
		t.Errorf("parley sse --help shows the root's environment:\n%s", r.stdout)
	}
}
