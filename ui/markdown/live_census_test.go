package markdown

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
)

// TestLiveCensus streams the end-to-end harness's answer (chatserver's,
// 500 tokens) and the benchmark's (1,000 tokens of the corpus) to a live
// renderer at 120 columns, a frame every 2 tokens as at 100 tokens a
// second, and logs how many frames were live and, for the others, what
// the open piece's last block was and why glamour rendered it. It checks
// nothing: set PARLEY_LIVE_CENSUS=1 to run it, with -v.
func TestLiveCensus(t *testing.T) {
	if os.Getenv("PARLEY_LIVE_CENSUS") == "" {
		t.Skip("set PARLEY_LIVE_CENSUS=1 to count the kinds of frames")
	}
	for name, toks := range map[string][]string{
		"harness": chatserver.Markdown(500),
		"bench":   benchAnswer(t, 1000)[:1000],
	} {
		counts, frames, live := liveCensus(toks, 2)
		var keys []string
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
		var b strings.Builder
		for _, k := range keys {
			b.WriteString("\n  " + itoa(counts[k]) + "\t" + k)
		}
		t.Logf("%s: %d frames, %d live, %d glamour:%s", name, frames, live, frames-live, b.String())
	}
}

// liveCensus streams toks with a frame after every every of them, and
// returns the count of glamour frames by kind and reason, the number of
// frames and of live frames.
func liveCensus(toks []string, every int) (map[string]int, int, int) {
	r := New(Options{Width: 120, Style: "dark", Live: true})
	counts := map[string]int{}
	frames := 0
	appendEvery(r, toks, every, func() {
		frames++
		before, was := r.liveFrames, r.live
		r.Lines()
		if r.liveFrames > before {
			return
		}
		piece := r.Text()[r.doneEnd:]
		reason := "not set"
		switch {
		case was.ok && was.start != r.doneEnd:
			reason = "new piece"
		case was.ok && !strings.HasPrefix(piece, was.base):
			reason = "not a prefix"
		case was.ok:
			reason = "not live: " + strings.TrimSpace(piece[len(was.base):])
		}
		counts[blockKind(r, piece)+" / "+reasonClass(reason)]++
	})
	return counts, frames, r.liveFrames
}

// reasonClass folds the text of a delta that live declined into a class.
func reasonClass(reason string) string {
	add, ok := strings.CutPrefix(reason, "not live: ")
	if !ok {
		return reason
	}
	for _, mark := range []string{"`", "**", "*"} {
		if strings.Contains(add, mark) {
			return "closing " + mark
		}
	}
	if strings.Contains(add, "\n") {
		return "newline"
	}
	return "not live"
}

// blockKind names the kind of the last block of the open piece.
func blockKind(r *Renderer, piece string) string {
	if r.scan.open != nil {
		return "code"
	}
	lines := strings.Split(strings.TrimRight(piece, "\n"), "\n")
	last := lines[len(lines)-1]
	k := len(lines) - 1
	for k > 0 && !isBlank(lines[k]) && listMarker(lines[k]) == 0 && !strings.HasPrefix(lines[k], "|") {
		k--
	}
	first := strings.TrimLeft(lines[k], " ")
	switch {
	case strings.HasPrefix(last, "|") || strings.HasPrefix(first, "|"):
		return "table"
	case strings.HasPrefix(last, "#"):
		return "heading"
	case strings.HasPrefix(last, ">"):
		return "quote"
	case listMarker(first) > 0 && k == len(lines)-1:
		return "list item, first line"
	case listMarker(first) > 0:
		return "list item, later line"
	case strings.HasPrefix(last, "```"):
		return "fence line"
	}
	return "paragraph"
}
