// Package markdown renders a growing markdown answer for the terminal.
//
// A Renderer is fed the answer delta by delta (Append) and asked for the
// rendered text at most once per frame (Render). The contract is that the
// output of Render always equals a full glamour render of all the text
// appended so far, at the renderer's width and style.
package markdown

import (
	"strings"

	"charm.land/glamour/v2"
)

// Options configure a Renderer.
type Options struct {
	// Width is the wrap width in cells; 0 means 80.
	Width int
	// Style is a glamour standard style: "dark", "light", "notty", "ascii".
	// Empty means "dark".
	Style string
}

// Renderer renders a markdown answer that grows by appended deltas.
type Renderer struct {
	opts  Options
	text  strings.Builder
	tr    *glamour.TermRenderer
	out   string
	dirty bool
}

// New returns a Renderer with the given options.
func New(opts Options) *Renderer {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	if opts.Style == "" {
		opts.Style = "dark"
	}
	return &Renderer{opts: opts, dirty: true}
}

// Append adds a delta of the answer. It is cheap: rendering waits for Render.
func (r *Renderer) Append(delta string) {
	if delta == "" {
		return
	}
	r.text.WriteString(delta)
	r.dirty = true
}

// Text returns the markdown appended so far.
func (r *Renderer) Text() string { return r.text.String() }

// SetWidth changes the wrap width; the next Render re-wraps.
func (r *Renderer) SetWidth(w int) {
	if w <= 0 || w == r.opts.Width {
		return
	}
	r.opts.Width, r.tr, r.dirty = w, nil, true
}

// SetStyle changes the glamour style; the next Render re-renders.
func (r *Renderer) SetStyle(style string) {
	if style == "" || style == r.opts.Style {
		return
	}
	r.opts.Style, r.tr, r.dirty = style, nil, true
}

// Render returns the rendered answer, rendering only if something changed
// since the last call.
func (r *Renderer) Render() string {
	if !r.dirty {
		return r.out
	}
	r.dirty = false
	if r.tr == nil {
		tr, err := glamour.NewTermRenderer(
			glamour.WithStandardStyle(r.opts.Style),
			glamour.WithWordWrap(r.opts.Width),
		)
		if err != nil {
			r.out = r.text.String()
			return r.out
		}
		r.tr = tr
	}
	out, err := r.tr.Render(r.text.String())
	if err != nil {
		out = r.text.String()
	}
	r.out = out
	return r.out
}
