package markdown

import (
	"strings"
	"testing"
)

// TestPacedRendererCatchesUp gives every corpus answer to a renderer with a
// small budget, half of it at once and the rest while it catches up, and
// checks each step against a full render of the text shown so far, and the
// end against a full render of all of it.
func TestPacedRendererCatchesUp(t *testing.T) {
	for name, text := range corpus(t) {
		budget := 500
		if raceEnabled {
			if name != "17-mixed-long.md" {
				continue // one long answer, in bigger steps, under the race detector
			}
			budget = 2000
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := New(Options{Width: 80, Style: "dark"})
			r.SetBudget(budget)
			toks := tokens(text)
			half := len(toks) / 2
			r.Append(strings.Join(toks[:half], ""))
			steps := 0
			for k := half; r.Behind() || k < len(toks); steps++ {
				r.Advance()
				if steps%7 == 0 {
					checkShown(t, r, "step "+itoa(steps))
				} else {
					r.Lines()
				}
				if k < len(toks) {
					r.Append(toks[k])
					k++
				}
				if steps > 100_000 {
					t.Fatal("the renderer never caught up")
				}
			}
			r.Finish()
			for r.Behind() {
				r.Advance()
				r.Lines()
			}
			checkFrame(t, r, 80, "dark", "at the end")
			if len(text) > 2*budget && !r.full && steps < 2 {
				t.Errorf("%d bytes shown in %d steps with a budget of %d", len(text), steps, budget)
			}
		})
	}
}

// checkShown compares the renderer with a full render of the text it shows.
func checkShown(t *testing.T, r *Renderer, where string) {
	t.Helper()
	got := r.Render()
	want := fullRender(t, r.Text()[:r.rendered], 80, "dark")
	if got != want {
		t.Fatalf("%s: render of %d bytes differs from a full render\n%s", where, r.rendered, firstDiff(want, got))
	}
}

func TestPacingShowsNoMoreThanAdvanceAllows(t *testing.T) {
	r := New(Options{Width: 60})
	r.SetBudget(10)
	r.Append("First paragraph, long enough to take a few steps to show.\n\nSecond.\n")
	if got := r.Render(); strings.Contains(got, "First") {
		t.Fatalf("shown before any Advance: %q", got)
	}
	r.Advance()
	first := strings.Join(r.Lines(), "\n")
	if !strings.Contains(first, "First") || strings.Contains(first, "paragraph") {
		t.Fatalf("first step shows %q", first)
	}
	if again := strings.Join(r.Lines(), "\n"); again != first || !r.Behind() {
		t.Fatalf("Lines moved on without Advance, or Behind is false: %q", again)
	}
	for r.Advance() {
	}
	if r.Lines(); r.Behind() || !strings.Contains(r.Render(), "Second") {
		t.Fatalf("after catching up: Behind %v, %q", r.Behind(), r.Render())
	}
	// Without a budget everything shows at once, as before.
	r.SetBudget(0)
	r.Append("\n\nThird.\n")
	if !strings.Contains(r.Render(), "Third") {
		t.Fatal("with no budget, appended text is not shown")
	}
}

// A text that is rendered whole at every frame is shown whole at once.
func TestPacingShowsWholeRenderedTextAtOnce(t *testing.T) {
	r := New(Options{Width: 60})
	r.SetBudget(16)
	r.Append("[s]: https://example.com\n\nSee [the spec][s] and more text after it.\n\nThe end.\n")
	r.Advance()
	r.Lines()
	r.Lines()
	if r.Behind() || !strings.Contains(r.Render(), "end.") {
		t.Fatalf("Behind %v after two frames: %q", r.Behind(), r.Render())
	}
}
