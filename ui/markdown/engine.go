package markdown

import (
	"errors"
	"strings"

	"charm.land/glamour/v2"
	"github.com/yuin/goldmark/parser"
)

// How pieces are joined
//
// glamour renders a document as a prefix ("\n" in the standard styles), the
// rendered blocks, and a suffix ("\n"). Every block is written through one
// document-wide margin writer, and a block does not always end its last line:
// a heading, a code block or a rule leaves a partial line (margin and style
// codes) that the next block's leading newline completes, and the padding of
// that line depends on what it already holds. So the render of a piece on its
// own is not what the piece contributes to the whole document, and a paragraph
// or heading renders differently when it is the first block of a document.
//
// A piece after the first is therefore rendered after a small context block
// whose render ends with exactly the partial line (the tail) that the output
// so far ends with: R(ctx + "\n\n" + piece) starts with R(ctx) minus its
// suffix, and what follows is the piece's contribution, byte for byte. The
// contexts are a handful of tiny blocks; when the tail matches none of them
// (raw HTML can leave text in it) the piece is not cut there but rendered
// together with the next one. The property tests check the result against
// full renders.

// contexts are the blocks tried as context, in order of preference.
var contexts = []string{
	"x",
	"# x",
	"---",
	"```\nx\n```",
	"> x",
	"| x |\n| - |\n| x |",
	"    x",
}

// errJoin reports a render that does not have the shape the joining relies on.
var errJoin = errors.New("markdown: unexpected render shape")

// engine is a glamour renderer for one width and style, with its contexts.
type engine struct {
	tr     *glamour.TermRenderer
	ctx    map[string]string // tail -> context block whose render ends with it
	prefix map[string]string // context block -> its render without the suffix

	live map[string]liveStyle // by lead: how a block's plain text is shown (see live.go)
	md   parser.Parser        // nil until a block is committed without glamour (see live_commit.go)
}

// newEngine returns an engine for opts, or an error if glamour has none.
func newEngine(opts Options) (*engine, error) {
	tr, err := glamour.NewTermRenderer(GlamourOptions(opts)...)
	if err != nil {
		return nil, err
	}
	e := &engine{tr: tr, ctx: map[string]string{}, prefix: map[string]string{}}
	for _, c := range contexts {
		out, err := tr.Render(c)
		if err != nil || !strings.HasSuffix(out, "\n") {
			continue
		}
		p := out[:len(out)-1]
		if _, ok := e.ctx[tailOf(p)]; !ok {
			e.ctx[tailOf(p)] = c
			e.prefix[c] = p
		}
	}
	return e, nil
}

// render is a full glamour render of src.
func (e *engine) render(src string) (string, error) {
	return e.tr.Render(src)
}

// canFollow reports whether a piece can be rendered after output ending
// with the partial line tail.
func (e *engine) canFollow(tail string) bool {
	_, ok := e.ctx[tail]
	return ok
}

// piece renders src as it appears in a document after output ending with
// the partial line tail, or as the document's start when first is true. The
// result excludes the document's suffix.
func (e *engine) piece(first bool, tail, src string) (string, error) {
	if first {
		out, err := e.tr.Render(src)
		if err != nil {
			return "", err
		}
		if !strings.HasSuffix(out, "\n") {
			return "", errJoin
		}
		return out[:len(out)-1], nil
	}
	c, ok := e.ctx[tail]
	if !ok {
		return "", errJoin
	}
	out, err := e.tr.Render(c + "\n\n" + src)
	if err != nil {
		return "", err
	}
	p := e.prefix[c]
	if !strings.HasPrefix(out, p) || !strings.HasSuffix(out, "\n") || len(out) <= len(p) {
		return "", errJoin
	}
	return out[len(p) : len(out)-1], nil
}

// tailOf returns the partial last line of s: what follows its last newline.
func tailOf(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}
