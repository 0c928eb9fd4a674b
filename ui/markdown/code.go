package markdown

import (
	"strings"

	"github.com/alecthomas/chroma/v2/lexers"
)

// Long fenced code blocks
//
// A fenced code block has no blank-line boundary to cut at, so while a long
// one streams in, the open piece would be rendered whole at every frame. The
// codeCache renders it in chunks of finished lines instead.
//
// Inside a code block glamour's output is line by line: each source line
// gives its own output lines, whose bytes depend only on the line's tokens
// and on the style left open by the token holding the previous line's
// newline. So the output for the lines from b on can be produced by
// rendering the block's opening fence, the single line before b (the
// context line, which carries that style) and the lines from b on, and
// dropping the output of the opening fence and the context line.
//
// That holds only where chroma's lexer is back in its root state, which it
// does not tell. So cuts go after a blank line (the context line), whose
// own tokens later text cannot change, or, in code that goes on for
// codeRun lines without one, after any line; and a cut at b is accepted only
// after checking it: the output for the codeLookahead lines from b, which must not
// all be blank, must be the same whether the lexer starts at the context line
// or further back (at the previous cut, whose output is trusted), also after
// a line that closes the usual multi-line constructs is appended (a comment
// opened before b but not closed yet is lexed as code until it is). A blank
// line inside a multi-line string or comment fails the check (the lines after
// it are coloured as code instead of string) and the next one is tried.
// Each check costs four glamour renders, more than a live frame of a short
// block (live_code.go) saves by lexing from a cut: a block of a few lines
// without blank ones is not cut at all. The check is strong but not a
// proof, so once the answer is complete (Finish), a Renderer that used
// chunks renders the whole text once more: the final frame is always an
// exact full render.
//
// A fence whose language chroma does not know (or that has none) is not
// chunked: glamour then lets chroma guess the language from the whole block,
// so no part can be rendered without the rest.

const (
	codeChunk     = 4  // lines in a chunk, at least
	codeLookahead = 5  // finished lines needed after a cut to check it
	codeRun       = 16 // lines in a chunk without a blank line, at least
)

// codeCache holds the finished chunks of the open piece when it is a long
// fenced code block.
type codeCache struct {
	start  int    // doneEnd when the cache was built
	built  bool   // start and opener are set: opener "" means no chunks
	opener string // the fence line, with its language
	body   int    // offset in the piece of the first code line (after opener)
	closed int    // offset in the piece of the closing fence, or -1
	seen   int    // the piece has been read for a closing fence up to here
	tried  int    // the last cut tried, or 0
	chunks        // accepted cuts (offsets in the piece of line starts) and their output

	head, headCtx string // the output of the opener and a context line, and that line
}

// codeCloser is a line that ends the multi-line constructs of common
// languages: block comments, triple-quoted and raw strings, HTML comments.
// It starts with a letter so that it cannot close the fence itself.
const codeCloser = "x */ \"\"\" ''' ` \" ' --> ]]> ?> ]] }\n"

// chunks holds the output of a piece rendered in chunks: the accepted cuts,
// the output up to the last one, and how to take the last one back.
type chunks struct {
	cuts  []int    // accepted cuts: offsets in the piece
	out   []byte   // output for the piece up to the last cut
	lines []string // the complete lines of doneTail + out
	tail  string   // the partial last line of doneTail + out
	marks []mark   // for each cut, the state before it
}

// mark is what a chunks held before a cut was accepted.
type mark struct {
	out, lines int
	tail       string
}

// push accepts the cut at b, whose chunk of output is chunk.
func (c *chunks) push(b int, chunk string) {
	c.marks = append(c.marks, mark{len(c.out), len(c.lines), c.tail})
	c.cuts = append(c.cuts, b)
	c.out = append(c.out, chunk...)
	c.lines = appendComplete(c.lines, c.tail+chunk)
	c.tail = tailOf(c.tail + chunk)
}

// pop drops the last cut.
func (c *chunks) pop() {
	m := c.marks[len(c.marks)-1]
	c.marks, c.cuts = c.marks[:len(c.marks)-1], c.cuts[:len(c.cuts)-1]
	c.out, c.lines, c.tail = c.out[:m.out], c.lines[:m.lines], m.tail
}

// render returns the output of the open piece src after its last accepted
// cut; the output before it is in c.out (and c.lines, c.tail). It returns
// false when the piece is not a long fenced code block with a known
// language, or no cut has been accepted yet.
//
// With live set (a frame of the open piece, not a commit), the output
// after the last cut is made without glamour when liveCode can (see
// live_code.go), and live says it was.
func (c *codeCache) render(r *Renderer, src string, live bool) (rest string, wasLive, ok bool) {
	if !c.prepare(r, src) {
		return "", false, false
	}
	for c.extend(r, src) {
	}
	if live && len(c.cuts) > 0 {
		fenceAt := r.doneEnd + c.body - len(c.opener) - 1
		if rest, ok := r.liveCode.tail(r, src, fenceAt, c.cuts[len(c.cuts)-1]); ok {
			return rest, true, true
		}
	}
	for len(c.cuts) > 0 {
		if rest, ok := c.from(r, src, c.cuts[len(c.cuts)-1], len(src)); ok {
			return rest, false, true
		}
		c.pop() // later text changed how the context line renders
	}
	return "", false, false
}

// prepare resets the cache when the piece changed, and reports whether the
// piece src holds a fence, opened in column 0 and still open when the cache
// was set up, whose language chroma knows. Lines before the fence (say, a
// paragraph without a blank line after it) belong to the first chunk.
func (c *codeCache) prepare(r *Renderer, src string) bool {
	if c.start == r.doneEnd && c.built {
		if c.opener == "" || c.seen > len(src) {
			return false
		}
		c.findClose(src)
		return true
	}
	at := r.fenceAt - r.doneEnd
	if at < 0 || at >= len(src) || r.scan.poisoned {
		return false // no fence open (in this piece), or one we cannot be sure of
	}
	i := strings.IndexByte(src[at:], '\n')
	if i < 0 {
		return false
	}
	*c = codeCache{start: r.doneEnd, closed: -1, built: true}
	f := fenceOpen(src[at : at+i])
	if f == nil {
		return false
	}
	lang, _, _ := strings.Cut(strings.TrimSpace(strings.TrimLeft(src[at:at+i], string(f.fence))), " ")
	if lang == "" || lexers.Get(lang) == nil {
		return false // chroma would guess the language from the whole block
	}
	c.opener, c.body, c.seen, c.tail = src[at:at+i], at+i+1, at+i+1, r.doneTail
	c.findClose(src)
	return true
}

// findClose reads the lines added since the last call for the closing fence.
func (c *codeCache) findClose(src string) {
	f := fenceOpen(c.opener)
	for c.closed < 0 {
		j := strings.IndexByte(src[c.seen:], '\n')
		if j < 0 {
			return
		}
		if fenceClose(src[c.seen:c.seen+j], f) {
			c.closed = c.seen
		}
		c.seen += j + 1
	}
}

// extend tries to accept one more cut, and reports whether it did.
func (c *codeCache) extend(r *Renderer, src string) bool {
	from := c.body
	if len(c.cuts) > 0 {
		from = c.cuts[len(c.cuts)-1]
	}
	limit := len(src)
	if c.closed >= 0 {
		limit = c.closed
	}
	b := lineAfter(src, max(from, c.tried), 1)
	n := lineAfter(src, from, codeChunk)
	if n < 0 {
		return false
	}
	b = max(b, n)
	far := lineAfter(src, from, codeRun)
	// The cut goes after a blank line: as a context line it carries no
	// token that later text could change, and chroma lexes it in the root
	// state. Code without blank lines is cut codeRun lines or more after
	// the last cut, after any line the check accepts.
	for ; b > 0; b = lineAfter(src, b, 1) {
		end := lineAfter(src, b, codeLookahead)
		if end < 0 || end > limit {
			return false
		}
		if (blankBefore(src, b) || far >= 0 && b >= far) && !isBlank(lineAt(src, b)) && !isBlank(src[b:end]) {
			c.tried = b
			return c.check(r, src, from, b, end)
		}
	}
	return false
}

// check accepts the cut b if the output for the lines from b to end is the
// same when rendered from the context line before b as from the last cut.
func (c *codeCache) check(r *Renderer, src string, from, b, end int) bool {
	whole, ok := c.from(r, src, from, end)
	if !ok {
		return false
	}
	after, ok := c.from(r, src, b, end)
	if !ok || len(after) >= len(whole) || !strings.HasSuffix(whole, after) {
		return false
	}
	chunk := whole[:len(whole)-len(after)]
	if !strings.HasSuffix(chunk, "\n") {
		return false
	}
	// A construct opened before b and not closed yet (a /* comment, a raw
	// string) may be lexed as plain code until its end arrives. Poke: close
	// the usual ones after end, and the chunk and the cut must still hold.
	poked := src[:end] + codeCloser
	whole, ok = c.from(r, poked, from, len(poked))
	if !ok || !strings.HasPrefix(whole, chunk) {
		return false
	}
	after, ok = c.from(r, poked, b, len(poked))
	if !ok || len(whole)-len(after) != len(chunk) || !strings.HasSuffix(whole, after) {
		return false
	}
	c.push(b, chunk)
	return true
}

// blankBefore reports whether the line that ends at off, the start of a
// line after the first, is blank.
func blankBefore(src string, off int) bool {
	return isBlank(src[strings.LastIndexByte(src[:off-1], '\n')+1 : off-1])
}

// lineAt returns the line that starts at off, without its newline.
func lineAt(src string, off int) string {
	if i := strings.IndexByte(src[off:], '\n'); i >= 0 {
		return src[off : off+i]
	}
	return src[off:]
}

// from renders the output for the lines of the piece from offset b to end
// (and the block's end): after the piece's start when b is the first code
// line's offset, else by way of the context line before b.
func (c *codeCache) from(r *Renderer, src string, b, end int) (string, bool) {
	if b == c.body {
		out, err := r.eng.piece(r.doneEnd == 0, r.doneTail, src[:end])
		return out, err == nil
	}
	ctx := strings.LastIndexByte(src[:b-1], '\n') + 1
	if c.head == "" || c.headCtx != src[ctx:b] {
		head, err := r.eng.piece(true, "", c.opener+"\n"+src[ctx:b])
		if err != nil {
			return "", false
		}
		c.head, c.headCtx = head[:strings.LastIndexByte(head, '\n')+1], src[ctx:b]
	}
	head := c.head
	out, err := r.eng.piece(true, "", c.opener+"\n"+src[ctx:end])
	if err != nil || !strings.HasPrefix(out, head) {
		return "", false
	}
	return out[len(head):], true
}

// lineAfter returns the offset of the line n lines after the line starting
// at off, or -1 if src has no such line yet.
func lineAfter(src string, off, n int) int {
	for ; n > 0; n-- {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}
