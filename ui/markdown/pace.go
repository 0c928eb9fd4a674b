package markdown

import "unicode/utf8"

// Pacing
//
// A Renderer shows all of its text by default, so a frame after a large
// delta renders all of it at once: 10,000 tokens that arrive together
// (a fast local server, a proxy that buffered the stream) cost one render
// of ~300 ms, during which a view shows nothing new and reads no key. With
// a budget, Lines and Render show the text up to a limit that Advance raises
// by the budget, once per frame: the answer appears in steps of bounded
// cost, and the view stays responsive between them. Text always returns
// all of the text. A text that must be rendered whole at every frame (see
// Renderer.full) is shown whole at once: steps would render it again and
// again.

// SetBudget sets how many more bytes of text each Advance shows; 0, the
// default, shows all of it at once.
func (r *Renderer) SetBudget(n int) {
	r.budget = max(n, 0)
	r.dirty = true
}

// Advance shows up to the budget more of the text, and reports whether some
// remains unshown after it.
func (r *Renderer) Advance() bool {
	n := r.text.Len()
	if r.budget == 0 || r.limit >= n {
		return false
	}
	text := r.text.String()
	limit := min(n, r.limit+r.budget)
	for limit < n && !utf8.RuneStart(text[limit]) {
		limit++ // whole characters only
	}
	r.limit, r.dirty = limit, true
	return r.shown() < n
}

// Behind reports whether some of the text is not shown yet: past the limit,
// or appended since the last frame.
func (r *Renderer) Behind() bool { return r.dirty || r.rendered < r.text.Len() }

// shown is how many bytes of the text Lines and Render show.
func (r *Renderer) shown() int {
	n := r.text.Len()
	if r.budget == 0 || r.full || r.scan.refDefs {
		return n
	}
	return min(r.limit, n)
}
