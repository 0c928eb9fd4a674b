package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/ui/markdown"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestFinder(t *testing.T) {
	text := "xx Kestrel yy Ptarmigan."
	for size := 1; size <= len(text); size++ {
		f := newFinder("Ptarmigan")
		at := -1
		for i := 0; i < len(text); i += size {
			if f.feed([]byte(text[i:min(i+size, len(text))])) {
				at = i
				break
			}
		}
		want := strings.Index(text, "Ptarmigan") + len("Ptarmigan") - 1
		if at < 0 || at > want || at+size <= want {
			t.Errorf("pieces of %d: found in the piece at %d, want the piece holding byte %d", size, at, want)
		}
	}
	if newFinder("Ptarmigan").feed([]byte("Ptarmiga")) {
		t.Error("found a word that was not complete")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
}

func TestFormats(t *testing.T) {
	for n, want := range map[int]string{7: "7", 100: "100", 2000: "2,000", 10000: "10,000", 1234567: "1,234,567"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
	if got := (target{max: float64(150 * time.Millisecond)}).format(false); got != "≤ 150 ms" {
		t.Errorf("time target shows as %q", got)
	}
	if got := (target{max: 40 << 20}).format(true); got != "≤ 40.0 MiB" {
		t.Errorf("size target shows as %q", got)
	}
	if got := (target{ratio: 1.2}).format(false); got != "≤ 1.2 × curl" {
		t.Errorf("ratio target shows as %q", got)
	}
}

func TestFlags(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil || !cfg.checkTargets || !cfg.warm || cfg.runs != 5 {
		t.Errorf("defaults: %+v, %v; want targets checked after a warm-up, 5 runs", cfg, err)
	}
	cfg, err = parseFlags([]string{"-smoke"})
	if err != nil || cfg.checkTargets || cfg.warm || cfg.runs != 1 || cfg.tokens >= issueTokens {
		t.Errorf("-smoke: %+v, %v; want one small run, no targets", cfg, err)
	}
	if cfg, err := parseFlags([]string{"-rate", "50"}); err != nil || cfg.checkTargets {
		t.Errorf("-rate 50: targets checked (%v)", err)
	}
	for _, bad := range [][]string{{"-only", "nope"}, {"-size", "10"}, {"-runs", "0"}, {"-bin", "x", "-profile", "y"}, {"extra"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestVerdict(t *testing.T) {
	checked, unchecked := &config{checkTargets: true}, &config{}
	ms := float64(time.Millisecond)
	for _, c := range []struct {
		name string
		cfg  *config
		t    target
		f    figures
		want string
		miss bool
	}{
		{"no target", checked, target{}, figures{parley: 9 * ms}, "—", false},
		{"under", checked, target{max: 20 * ms}, figures{parley: 19 * ms}, "pass", false},
		{"over", checked, target{max: 20 * ms}, figures{parley: 30 * ms}, "**FAIL** (+50%)", true},
		{"ratio under", checked, target{ratio: 1.2}, figures{parley: 100 * ms, ratio: 1.1}, "pass", false},
		{"ratio over", checked, target{ratio: 1.2}, figures{parley: 100 * ms, ratio: 2.4}, "**FAIL** (+100%)", true},
		{"no curl", checked, target{ratio: 1.2}, figures{parley: 100 * ms}, "not checked (no curl)", false},
		{"unchecked", unchecked, target{max: 20 * ms}, figures{parley: 30 * ms}, "not checked", false},
	} {
		got, miss := row{target: c.t}.verdict(c.cfg, c.f)
		if got != c.want || miss != c.miss {
			t.Errorf("%s: %q, %v; want %q, %v", c.name, got, miss, c.want, c.miss)
		}
	}
}

func TestMarkTokens(t *testing.T) {
	toks := chatserver.Markdown(3000)
	marked, marks := markTokens(toks)
	if len(marked) != len(toks) || len(marks) < 3000/20 {
		t.Fatalf("%d tokens, %d markers; want %d tokens and a marker every few words", len(marked), len(marks), len(toks))
	}
	text := strings.Join(marked, "")
	for i, m := range marks {
		if marked[i] != " "+m || strings.Count(text, m) != 1 {
			t.Errorf("marker %q at token %d: token %q, %d times in the text", m, i, marked[i], strings.Count(text, m))
		}
	}
	// Markers are in prose only: never in headings, code or tables, where
	// a word may be cut or not be shown whole.
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "zq") && !isProse(line) {
			t.Errorf("a marker in a line that is not prose: %q", line)
		}
	}
	// Each marker's line is shown whole on the product's rendering.
	r := markdown.New(markdown.Options{Width: 80, Style: "notty"})
	r.Append(text)
	shown := ansi.Strip(r.Render())
	for _, m := range marks {
		if !strings.Contains(shown, m) {
			t.Errorf("marker %q is not in the rendering", m)
		}
	}
}

func TestPercentile(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	if p50, p99 := percentile(xs, 0.5), percentile(xs, 0.99); p50 != 50 || p99 != 99 {
		t.Errorf("p50 %v, p99 %v; want 50, 99", p50, p99)
	}
	if got := percentile([]float64{7}, 0.99); got != 7 {
		t.Errorf("p99 of one value: %v", got)
	}
}
