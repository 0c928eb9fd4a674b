// Package markdown renders a growing markdown answer for the terminal.
//
// A Renderer is fed the answer delta by delta (Append) and asked for the
// rendered text at most once per frame (Lines, or Render). The contract: the
// output of Render always equals, byte for byte, a full glamour render of all
// the text appended so far (Text) with GlamourOptions (the renderer's width
// and style, and the ChromaFormatter), less the padding that glamour ends
// its lines with and that shows nothing (TrimPadding: nine tenths of the
// bytes). The property tests check it on a corpus
// of answers fed token by token, on random documents and under fuzzing.
// With Options.Live, a frame in which a paragraph, an item of a tight
// list or a quote of one line only grew by words, code spans and emphasis
// is made without glamour (live.go, which has the exact subset), and so
// is one in which a heading of plain words grew (live_block.go), an
// open fenced code block (live_code.go: chroma lexes it, glamour's layout
// of its lines is reproduced; the frame of its closing fence too), or a
// table grew by rows of such words (live_table.go: lipgloss's widths
// worked out again); the first frame of such a block, when it starts the
// piece or follows a blank line, is laid out from a probe (live_block.go;
// a code block's and a table's only at the piece's start). They look the same (TestLiveLooksTheSame,
// TestLiveCode), and the frame after Finish is still glamour's, byte for
// byte.
//
// How it stays fast however long the answer grows:
//
//   - The text is cut into pieces at boundaries that no markdown construct
//     spans (see scanner). Finished pieces are rendered once and kept, with
//     their lines; only the open last piece is rendered again at a frame.
//     Pieces are joined as glamour joins blocks (see engine.go).
//   - The pieces finished since the last frame are rendered together, in
//     one glamour render: each render has a fixed cost (the context block,
//     the document's margins) besides its text's.
//   - A long fenced code block is itself rendered in chunks of finished
//     lines, cut after blank lines (or, in code without them, every 16
//     lines or more) where the check in code.go shows chroma's lexer back in
//     its root state; a long list in chunks of items (list.go).
//     As those checks are strong but not proofs, the pieces that were
//     committed from chunks are rendered once more, whole, at Finish; should
//     one differ, the whole text is rendered anew. The final frame is always
//     an exact full render, for the cost of the chunked pieces only.
//   - Deltas are only stored by Append; rendering happens in Lines or Render,
//     so deltas that arrive between two frames cost one render.
//   - Lines returns the rendered lines with the finished pieces' lines reused
//     from frame to frame, so a view can show a window of a 40,000-line
//     answer without splitting or measuring it. Render builds the whole
//     output as one string, which costs a copy of it (2 MB at 10,000 tokens).
//
// When in doubt it renders more, never wrong: a text that may hold a link
// reference definition (which goldmark resolves across the whole document)
// is rendered whole at every frame; after a construct the scanner cannot
// follow for sure, it stops cutting; a definition list keeps the following
// paragraphs in its piece; a fence with no language, or one chroma does not
// know, is not chunked (chroma then guesses the language from the whole
// block), nor a list nested in a quote or indented: a frame inside one
// costs a render of all of it.
//
// Terminal safety: every delta passes through a streaming Sanitizer before
// it is stored, so escape sequences, control characters and bidirectional
// overrides in model output never reach glamour or the terminal; callers need
// not (and should not) sanitize first. Text returns the sanitized markdown.
package markdown

import (
	"github.com/parley-chat/parley/termsafe"
	"hash/maphash"
	"strings"
)

// Options configure a Renderer.
type Options struct {
	// Width is the wrap width in cells; 0 means 80.
	Width int
	// Style is a glamour standard style: "dark", "light", "notty", "ascii",
	// "pink", "dracula", "tokyo-night". Empty means "dark".
	Style string
	// Live makes the frames in which a paragraph, a list item, a quote of
	// one line, a heading or a table only grew by words, code spans and
	// emphasis (see live.go, live_block.go and live_table.go for the exact
	// subset), or an open fenced code block grew (live_code.go), without
	// glamour: they look the same as glamour's render, but are not its
	// bytes until the block is committed or the answer finished.
	Live bool
}

// Renderer renders a markdown answer that grows by appended deltas. It is not
// safe for concurrent use.
type Renderer struct {
	opts Options
	san  termsafe.Sanitizer
	text strings.Builder // sanitized markdown

	eng    *engine // nil until needed, and after a change of width or style
	engErr error   // why there is no engine: Render then shows the plain text

	scan    scanner
	scanned int   // text[:scanned] is read by scan: whole lines
	fenceAt int   // offset of the line opening the fence open in column 0, or -1
	cuts    []int // offsets where the text may be cut, ascending
	next    int   // cuts[:next] are either committed or known to be unusable
	full    bool  // render the whole text at each frame (see scanner.refDefs)

	// Committed output, the render of text[:doneEnd], kept across frames:
	// lines[:doneN] are its complete lines, doneTail its partial last line.
	doneEnd  int
	doneN    int
	doneTail string
	code     codeCache
	list     listCache
	chunked  []chunkedPiece // committed pieces rendered from chunks

	lines []string // the frame's lines; lines[:doneN] are kept across frames
	final bool     // Finish was called: no more chunks (see codeCache, listCache)
	sfx   string   // the document's suffix: "\n", or "" for plain text
	out   string   // Render's result, valid when !stale
	dirty bool     // the text or options changed since the last frame
	stale bool     // out must be rebuilt

	live       liveState   // the open piece's last glamour render, for live frames
	liveCode   liveCode    // the same for an open code block
	heading    liveHeading // the same for a heading
	table      liveTable   // the same for a table
	prev       liveFrame   // the open piece's last frame, which a block may follow
	liveFrames int         // frames made live, for tests
	liveCommit int         // code blocks committed as live frames lay them out, for tests
	liveParas  int         // paragraphs committed so (see liveState.commit), for tests
	liveLists  int         // lists committed so, for tests

	// Sealed output (see Seal): text[:base] was rendered and its lines
	// given away for good; what follows is rendered after it, as the
	// document goes on after output ending with the partial line baseTail.
	base     int
	baseTail string
	seals    bool // Seal was called: committed lines are given away

	budget   int // bytes each Advance shows, or 0 for all (see pace.go)
	limit    int // with a budget, the text shown is text[:limit]
	rendered int // the last frame rendered text[:rendered]
}

// chunkedPiece is a committed piece whose output was put together from
// chunks, to be checked against a render of it whole at Finish.
type chunkedPiece struct {
	start, end int    // the piece is text[start:end]
	tail       string // the partial line the output before it ended with
	sum        uint64 // the hash of its output
}

// outputSeed seeds the hashes of chunked pieces' output.
var outputSeed = maphash.MakeSeed()

// New returns a Renderer with the given options.
func New(opts Options) *Renderer {
	return &Renderer{opts: opts.withDefaults(), fenceAt: -1, dirty: true, stale: true}
}

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.Style == "" {
		o.Style = "dark"
	}
	return o
}

// Append adds a delta of the answer, sanitized. It is cheap: rendering waits
// for Render or Lines, so deltas that arrive between two frames are
// coalesced into one render.
func (r *Renderer) Append(delta string) {
	r.add(r.san.Feed(delta))
}

// Finish marks the end of the answer: bytes of an incomplete UTF-8 character
// held back by the sanitizer are shown as U+FFFD. Appending may go on after.
func (r *Renderer) Finish() {
	r.add(r.san.Flush())
	r.final, r.dirty = true, true
}

func (r *Renderer) add(s string) {
	if s == "" {
		return
	}
	// Text past the limit is not shown until Advance: no frame for it.
	r.dirty = r.dirty || r.budget == 0 || r.text.Len() < r.limit
	r.text.WriteString(s)
}

// Reset empties the renderer, keeping its width and style.
func (r *Renderer) Reset() {
	*r = Renderer{opts: r.opts, eng: r.eng, engErr: r.engErr, fenceAt: -1, dirty: true, stale: true, budget: r.budget}
}

// Text returns the markdown appended so far, as sanitized.
func (r *Renderer) Text() string { return r.text.String() }

// SetWidth changes the wrap width; the next Render re-wraps.
func (r *Renderer) SetWidth(w int) {
	if w <= 0 || w == r.opts.Width {
		return
	}
	r.opts.Width = w
	r.reconfigure()
}

// SetStyle changes the glamour style; the next Render re-renders.
func (r *Renderer) SetStyle(style string) {
	if style == "" || style == r.opts.Style {
		return
	}
	r.opts.Style = style
	r.reconfigure()
}

// reconfigure drops everything rendered; the cuts do not depend on options.
func (r *Renderer) reconfigure() {
	r.eng, r.engErr = nil, nil
	r.uncommit()
	r.dirty = true
}

// uncommit drops the committed output, back to what is sealed.
func (r *Renderer) uncommit() {
	r.next, r.doneEnd, r.doneN, r.doneTail = 0, r.base, 0, r.baseTail
	for r.base > 0 && r.next < len(r.cuts) && r.cuts[r.next] <= r.base {
		r.next++
	}
	r.lines = r.lines[:0]
	r.code, r.list, r.chunked = codeCache{}, listCache{}, nil
	r.live.ok, r.liveCode.ok, r.liveCode.learned = false, false, false
	r.heading.ok, r.table.ok, r.prev.ok = false, false, false
}

// Seal gives away the Stable lines, for a printer that has printed them
// where they cannot be taken back (a terminal's scrollback): from then on
// Lines holds only what follows them, and a change of width or style
// re-renders only that, as the continuation of what was sealed. Memory
// for the sealed lines is freed. Rendered whole, the text would differ
// from the sealed lines plus Lines only where the width or style changed,
// or where a reference definition after the seal would have changed a
// link before it.
func (r *Renderer) Seal() {
	r.seals = true
	r.frame()
	if r.doneN == 0 || r.full {
		return
	}
	r.base, r.baseTail = r.doneEnd, r.doneTail
	n := copy(r.lines, r.lines[r.doneN:])
	clear(r.lines[n:])
	r.lines, r.doneN = r.lines[:n], 0
	kept := r.chunked[:0]
	for _, p := range r.chunked {
		if p.start >= r.base {
			kept = append(kept, p)
		}
	}
	r.chunked = kept
	r.stale = true
}

// Render returns the rendered answer, rendering only if something changed
// since the last call. It equals glamour's render of Text().
func (r *Renderer) Render() string {
	r.frame()
	if r.stale {
		r.out, r.stale = strings.Join(r.lines, "\n")+r.sfx, false
	}
	return r.out
}

// Lines returns the rendered answer as lines: Render() is
// strings.Join(Lines(), "\n") + "\n" (glamour's renders end with a
// newline; should glamour fail, the plain text is shown and the final newline
// is not added). It is the cheap way to show a window of
// a long answer: the lines of finished pieces are kept from frame to frame,
// and only those of the open piece are made anew, so no frame copies or
// re-splits the whole render. The slice is valid until the next call that
// changes the Renderer (Append, Finish, Set*, Reset, Render, Lines); the
// caller must not modify it.
func (r *Renderer) Lines() []string {
	r.frame()
	return r.lines
}

// Stable returns how many of the leading Lines can no longer change as
// text is appended: the lines of finished pieces, rendered once and kept.
// (A change of width or style re-renders everything, and so does Finish in
// the unlikely case that a piece committed from chunks renders differently
// whole.) A printer that cannot take back what it printed,
// such as a terminal's scrollback, prints these lines once.
func (r *Renderer) Stable() int {
	r.frame()
	return r.doneN
}

// frame brings the open piece's render up to date.
func (r *Renderer) frame() {
	if !r.dirty {
		return
	}
	r.dirty, r.stale = false, true
	text, n := r.text.String(), r.shown()
	r.scanText(text[:n])
	if m := r.shown(); m != n { // a text found to need whole renders is shown whole
		r.scanText(text[:m])
		n = m
	}
	src := text[:n]
	r.rendered = n
	if r.eng == nil && r.engErr == nil {
		r.eng, r.engErr = newEngine(r.opts)
		if r.eng != nil && r.base > 0 && !r.eng.canFollow(r.baseTail) {
			r.baseTail, r.doneTail = "", "" // the tails do not depend on the width: never seen
		}
	}
	if r.eng == nil {
		r.plain(src)
		return
	}
	if r.full || r.scan.refDefs || (r.final && !r.checkChunked(src)) {
		r.whole(src)
		return
	}
	if err := r.commit(src); err != nil {
		r.whole(src)
		return
	}
	piece := src[r.doneEnd:]
	if !r.final {
		if rest, live, ok := r.code.render(r, piece, r.opts.Live); ok {
			r.sfx = "\n"
			r.lines = appendLines(append(r.lines[:r.doneN], r.code.lines...), r.code.tail+rest)
			if live {
				r.liveFrames++
			}
			return
		}
		if rest, ok := r.list.render(r, piece); ok {
			r.sfx = "\n"
			r.lines = appendLines(append(r.lines[:r.doneN], r.list.lines...), r.list.tail+rest)
			return
		}
	}
	if !r.final {
		if lines, ok := r.liveFrame(piece); ok {
			r.sfx = "\n"
			r.lines = lines
			r.liveFrames++
			return
		}
	}
	open, err := r.eng.piece(r.doneEnd == 0, r.doneTail, piece)
	if err != nil {
		r.whole(src)
		return
	}
	r.sfx = "\n"
	out := r.doneTail + open
	r.lines = appendLines(r.lines[:r.doneN], out)
	if r.opts.Live && !r.final {
		tail, lines := tailOf(out), r.lines[r.doneN:]
		r.live.set(r, r.doneEnd, piece, lines, tail)
		r.heading.set(r, r.doneEnd, piece, lines, tail)
		r.table.set(r, r.doneEnd, piece, lines, tail)
		r.liveCode.set(r, r.doneEnd, piece, lines)
		r.prev.record(r.doneEnd, piece, lines, tail)
	}
}

// scanText feeds the scanner the lines completed since the last frame and
// records the cuts it allows.
func (r *Renderer) scanText(src string) {
	for {
		i := strings.IndexByte(src[r.scanned:], '\n')
		if i < 0 {
			break
		}
		wasOpen := r.scan.open != nil
		if r.scan.line(src[r.scanned:r.scanned+i]) && !r.cutAt(r.scanned) {
			r.cuts = append(r.cuts, r.scanned)
		}
		switch o := r.scan.open; {
		case o == nil:
			r.fenceAt = -1
		case !wasOpen && o.fence != 0 && o.prefix == "":
			r.fenceAt = r.scanned
		}
		r.scanned += i + 1
	}
	rest := src[r.scanned:]
	if r.scan.open == nil && strings.Contains(rest, "]:") {
		r.scan.refDefs = true // an incomplete line is a line to goldmark
	}
	if r.scan.cutBefore(rest) && !r.cutAt(r.scanned) {
		r.cuts = append(r.cuts, r.scanned)
	}
}

// cutAt reports whether off is already the last cut.
func (r *Renderer) cutAt(off int) bool {
	return len(r.cuts) > 0 && r.cuts[len(r.cuts)-1] == off
}

// commit renders and keeps the pieces that end at cuts not yet used. The
// pieces up to the last cut are rendered together; one at a time only when
// the output there ends with a partial line no context reproduces (raw HTML
// can leave one), where the next piece cannot start.
func (r *Renderer) commit(src string) error {
	batch := true
	for r.next < len(r.cuts) {
		if out, ok := r.fromChunks(src[r.doneEnd:r.cuts[r.next]]); ok {
			r.keep(r.cuts[r.next], out, true)
			r.next++
			continue
		}
		if last := len(r.cuts) - 1; batch && r.next < last {
			kept, err := r.commitTo(src, r.cuts[last])
			if err != nil {
				return err
			}
			if kept {
				r.next = len(r.cuts)
				return nil
			}
			batch = false
		}
		if _, err := r.commitTo(src, r.cuts[r.next]); err != nil {
			return err
		}
		r.next++ // kept, or the next piece cannot start here: render them together
	}
	return nil
}

// commitTo renders text[doneEnd:end] and keeps it if the next piece can
// start after it.
func (r *Renderer) commitTo(src string, end int) (bool, error) {
	out, err := r.eng.piece(r.doneEnd == 0, r.doneTail, src[r.doneEnd:end])
	if err != nil {
		return false, err
	}
	return r.keep(end, out, false), nil
}

// keep commits out, the output of text[doneEnd:end], unless the next piece
// cannot start after it; chunked says it was put together from chunks.
func (r *Renderer) keep(end int, out string, chunked bool) bool {
	tail := tailOf(r.doneTail + out)
	if !r.eng.canFollow(tail) {
		return false
	}
	r.lines = appendComplete(r.lines[:r.doneN], r.doneTail+out)
	if chunked {
		sum := outputSum(r.lines[r.doneN:], tail)
		r.chunked = append(r.chunked, chunkedPiece{start: r.doneEnd, end: end, tail: r.doneTail, sum: sum})
	}
	r.doneN, r.doneTail, r.doneEnd = len(r.lines), tail, end
	r.code, r.list = codeCache{}, listCache{}
	return true
}

// fromChunks returns the output of src, the piece that starts at doneEnd and
// ends at a cut, put together from the chunks it was rendered in while it
// was the open piece, if it was (a block that arrived whole between two
// frames is rendered whole: checking cuts in it would cost more), or, for a
// closed code block, laid out as its live frames were (see liveCode.commit),
// or a closed paragraph, written as glamour writes it (liveState.commit),
// when the renderer seals: the check at Finish would otherwise render the
// block after all, at the last frame.
func (r *Renderer) fromChunks(src string) (string, bool) {
	if r.final {
		return "", false
	}
	if r.seals {
		if out, ok := r.liveCode.commit(r, src); ok {
			r.liveCommit++
			return out, true
		}
		if out, ok := r.live.commit(r, src); ok {
			if r.live.item {
				r.liveLists++
			} else {
				r.liveParas++
			}
			return out, true
		}
	}
	if c := &r.code; c.built && c.start == r.doneEnd && len(c.cuts) > 0 {
		if rest, _, ok := c.render(r, src, false); ok {
			return string(c.out) + rest, true
		}
	}
	if c := &r.list; c.built && c.start == r.doneEnd && len(c.cuts) > 0 {
		if rest, ok := c.render(r, src); ok {
			return string(c.out) + rest, true
		}
	}
	return "", false
}

// checkChunked renders whole each committed piece that was put together
// from chunks, and reports whether all render as they were committed.
func (r *Renderer) checkChunked(src string) bool {
	var lines []string
	for _, p := range r.chunked {
		out, err := r.eng.piece(p.start == 0, p.tail, src[p.start:p.end])
		if err != nil {
			return false
		}
		lines = appendComplete(lines[:0], p.tail+out)
		if outputSum(lines, tailOf(p.tail+out)) != p.sum {
			return false
		}
	}
	r.chunked = nil
	return true
}

// outputSum hashes the output of a piece as a Renderer keeps it: its
// complete lines, and the partial line it ends with.
func outputSum(lines []string, tail string) uint64 {
	var h maphash.Hash
	h.SetSeed(outputSeed)
	for _, l := range lines {
		h.WriteString(l)
		h.WriteByte('\n')
	}
	h.WriteString(tail)
	return h.Sum64()
}

// appendLines appends the lines of s to dst, without their invisible
// padding (see trim.go). When that was most of s, the lines are copied out
// of it into one string of their own, so that s can be freed.
func appendLines(dst []string, s string) []string {
	start, size := len(dst), 0
	for rest := s; ; {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		l := trimLine(rest[:i])
		dst, size = append(dst, l), size+len(l)
		if i == len(rest) {
			break
		}
		rest = rest[i+1:]
	}
	if size < len(s)/2 {
		var b strings.Builder
		b.Grow(size)
		for _, l := range dst[start:] {
			b.WriteString(l)
		}
		all := b.String()
		for i := start; i < len(dst); i++ {
			dst[i], all = all[:len(dst[i])], all[len(dst[i]):]
		}
	}
	return dst
}

// appendComplete appends the complete lines of s, those that end with a
// newline, as appendLines does.
func appendComplete(dst []string, s string) []string {
	s = s[:len(s)-len(tailOf(s))]
	if s == "" {
		return dst
	}
	return appendLines(dst, s[:len(s)-1])
}

// whole renders the entire text in one go, for the rare texts that cannot be
// cut safely; from then on every frame does so.
func (r *Renderer) whole(src string) {
	r.full = true
	r.dirty = r.dirty || r.shown() > len(src) // from now on, all of it
	r.uncommit()
	if r.base > 0 { // what is sealed stays as it was; the rest follows it
		out, err := r.eng.piece(false, r.baseTail, src[r.base:])
		if err != nil {
			r.plain(src)
			return
		}
		r.sfx = "\n"
		r.lines = appendLines(r.lines[:0], r.baseTail+out)
		return
	}
	out, err := r.eng.render(src)
	if err != nil {
		r.plain(src)
		return
	}
	r.sfx = ""
	if strings.HasSuffix(out, "\n") {
		out, r.sfx = out[:len(out)-1], "\n"
	}
	r.lines = appendLines(r.lines[:0], out)
}

// plain shows the text unrendered, when glamour cannot render it.
func (r *Renderer) plain(src string) {
	r.uncommit()
	r.sfx = ""
	r.lines = strings.Split(src[r.base:], "\n")
}
