package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Blocks that start live, and headings
//
// A live frame builds on a glamour render of the open piece (liveState.set)
// or, for a block that starts the piece or starts its last line after a
// blank line, on a probe: the block's lead and one word, rendered once per
// width, style and partial line before it, in the block's place. The
// probe's lines before and after the word are the block's; the lines of the
// blocks before it in the piece are those of the piece's last frame, which
// ended where the block starts (the scanner must say that the block cannot
// change how they render: it would cut there if the line were complete).
// So the first frame of a paragraph, of a list after a paragraph, or of a
// heading, is live too.
//
// A heading (ATX, one line of plain words) is shown as the probes show it:
// the words between what comes before and after a probe's word, in
// glamour's bytes, as long as the line is narrower than where glamour
// wraps a heading.

// liveFrame is the open piece's last frame: what a block that starts after
// it is drawn after.
type liveFrame struct {
	ok    bool
	start int      // where the piece starts in the text
	text  string   // the piece's text
	lines []string // the frame's lines of the piece
	tail  string   // the partial line its output ends with
}

// record keeps a frame of the piece.
func (f *liveFrame) record(start int, piece string, lines []string, tail string) {
	f.ok, f.start, f.text, f.tail = true, start, piece, tail
	f.lines = append(f.lines[:0], lines...)
}

// liveFrame makes a live frame of the open piece, if one of the kinds of
// live frames can: it appends its lines to the committed ones.
func (r *Renderer) liveFrame(piece string) ([]string, bool) {
	done, start := r.lines[:r.doneN], r.doneEnd
	lines, ok := r.live.extend(done, start, piece)
	if !ok && r.live.fresh(r, start, piece) {
		lines, ok = r.live.extend(done, start, piece)
	}
	tail := r.live.tail
	if !ok {
		lines, ok = r.heading.extend(done, start, piece)
		if !ok && r.heading.fresh(r, start, piece) {
			lines, ok = r.heading.extend(done, start, piece)
		}
		tail = r.heading.tail
	}
	if !ok {
		lines, ok = r.table.extend(done, start, piece)
		if !ok && r.table.fresh(r, start, piece) {
			lines, ok = r.table.extend(done, start, piece)
		}
		tail = r.table.tail
	}
	if ok {
		r.prev.record(start, piece, lines[r.doneN:], tail)
		return lines, true
	}
	r.prev.ok = false
	if lines, ok := r.liveCode.extend(r, done, start, piece); ok || !r.liveCode.fresh(r, start, piece) {
		return lines, ok
	}
	return r.liveCode.extend(r, done, start, piece)
}

// blockAt returns where in piece the block starts that a state may be made
// for from a probe (see liveState.fresh): at its last line if a blank line
// comes before it, the scanner would cut before that line once complete,
// and the last frame was of the text before it, or a live frame of that
// text can be made; else at the piece's start. It also returns the lines
// before the block's (but for the partial line the block's first line
// continues), the partial line the output before it ends with, and whether
// the block starts the document.
func (r *Renderer) blockAt(start int, piece string) (at int, head []string, tail string, first bool, ok bool) {
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned {
		return 0, nil, "", false, false
	}
	at = strings.LastIndexByte(piece, '\n') + 1
	s, before, line := &r.scan, piece[:at], piece[at:]
	if at > 0 && start+at == r.scanned && line != "" && strings.HasSuffix(before, "\n\n") && s.prevBlank && !s.refDefs && s.canStart(line) {
		if f := &r.prev; f.ok && f.start == start && len(f.lines) > 0 && strings.TrimRight(f.text, "\n") == strings.TrimRight(before, "\n") {
			return at, f.lines[:len(f.lines)-1], f.tail, false, true
		}
		// The text before the block grew since the last frame: a live
		// frame of it, if one can be made.
		if lines, ok := r.live.extend(nil, start, before); ok && len(lines) > 0 {
			return at, lines[:len(lines)-1], r.live.tail, false, true
		}
		if lines, ok := r.heading.extend(nil, start, before); ok && len(lines) > 0 {
			return at, lines[:len(lines)-1], r.heading.tail, false, true
		}
		if lines, ok := r.table.extend(nil, start, before); ok && len(lines) > 0 {
			return at, lines[:len(lines)-1], r.table.tail, false, true
		}
	}
	return 0, nil, r.doneTail, start == 0, true
}

// liveProbe is the word of the probes.
const liveProbe = "Probe"

// headingStyle is how an engine shows a heading of one level.
type headingStyle struct {
	a, b  string // what comes before and after its words
	space string // what comes before the last space between two words
	limit int    // a line as wide is wrapped
	ok    bool
}

// headingStyle returns the engine's headingStyle for headings whose line
// starts with mark ("## ").
func (e *engine) headingStyle(opts Options, mark string) headingStyle {
	return probeOnce(liveKey{kind: 'h', width: opts.Width, style: opts.Style, lead: mark}, func() (h headingStyle) {
		line := func(words string) string {
			out, err := e.piece(true, "", mark+words)
			if err != nil {
				return ""
			}
			lines := appendLines(nil, out)
			k := lastText(lines)
			if k < 0 || lastText(lines[:k]) >= 0 {
				return "" // not one line
			}
			return lines[k]
		}
		one, two, three := line(liveProbe), line(liveProbe+" probe"), line(liveProbe+" probe probe")
		i := strings.Index(one, liveProbe)
		if i < 0 || strings.Count(one, liveProbe) != 1 {
			return h
		}
		h.a, h.b = one[:i], one[i+len(liveProbe):]
		rest, ok1 := strings.CutPrefix(two, h.a+liveProbe)
		rest, ok2 := strings.CutSuffix(rest, " probe"+h.b)
		if !ok1 || !ok2 {
			return h
		}
		h.space = rest
		if three != h.show(liveProbe+" probe probe") || strings.Contains(ansi.Strip(h.space), " ") {
			return h
		}
		// A heading of many short words wraps: its first line is as wide
		// as glamour's wrap allows, or a cell less.
		out, err := e.piece(true, "", mark+manyWords(opts.Width))
		if err != nil {
			return h
		}
		lines := appendLines(nil, out)
		k := lastText(lines)
		if k < 0 || lastText(lines[:k]) < 0 {
			return h // it did not wrap
		}
		for _, l := range lines {
			if strings.TrimSpace(ansi.Strip(l)) != "" {
				h.limit = ansi.StringWidth(strings.TrimRight(ansi.Strip(l), " "))
				break
			}
		}
		h.ok = h.limit > ansi.StringWidth(h.a+h.b)+2
		return h
	})
}

// lastText returns the index of the last of lines that shows something,
// or -1.
func lastText(lines []string) int {
	k := len(lines) - 1
	for k >= 0 && strings.TrimSpace(ansi.Strip(lines[k])) == "" {
		k--
	}
	return k
}

// headingLine returns the mark ("## ") and the words of line, if it is an
// ATX heading of plain words (see plainByte) with single spaces between
// them: what a live frame shows.
func headingLine(line string) (mark, words string, ok bool) {
	n := 0
	for n < len(line) && n < 7 && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || line[n] != ' ' {
		return "", "", false
	}
	mark, words = line[:n+1], strings.TrimRight(line[n+1:], " ") // goldmark drops the spaces at the end
	if words == "" || strings.Contains(words, "  ") || words[0] == ' ' || strings.Contains(strings.ToLower(words), "www.") {
		return "", "", false
	}
	for i := 0; i < len(words); i++ {
		if !plainByte(words[i]) && words[i] != ' ' {
			return "", "", false
		}
	}
	return mark, words, true
}

// liveHeading is what live frames of a heading, the open piece's last
// block, build on.
type liveHeading struct {
	ok    bool
	start int      // where the piece starts in the text
	base  string   // the piece's text at the render
	at    int      // where the heading's line starts in the piece
	mark  string   // its mark, "## "
	lines []string // the lines of the render
	k     int      // lines[k] shows the heading
	tail  string   // the partial line the render ends with
	style headingStyle
	a     string // what lines[k] shows before the words: the style's a, after what the block before left
}

// lastHeading returns the mark and words of the heading that is piece's last
// line, and where that line starts, if a live frame can show it: the
// heading starts the piece or follows a blank line.
func lastHeading(piece string) (at int, mark, words string, ok bool) {
	piece = strings.TrimRight(piece, "\n")
	at = strings.LastIndexByte(piece, '\n') + 1
	if at > 0 && !strings.HasSuffix(piece[:at], "\n\n") {
		return 0, "", "", false
	}
	mark, words, ok = headingLine(piece[at:])
	return at, mark, words, ok
}

// show returns the heading's line for words: glamour's bytes, which cut
// the words into two runs before the last space.
func (h *headingStyle) show(words string) string {
	if i := strings.LastIndexByte(words, ' '); i >= 0 {
		return h.a + words[:i] + h.space + words[i:] + h.b
	}
	return h.a + words + h.b
}

// before returns what line shows before words, if line is a heading's
// line that shows them as the style does, in glamour's bytes, after a
// prefix that shows what the style's a shows: a heading after another
// block starts with what that block left open.
func (h *headingStyle) before(line, words string) (string, bool) {
	rest := h.show(words)[len(h.a):]
	a, ok := strings.CutSuffix(line, rest)
	return a, ok && ansi.Strip(a) == ansi.Strip(h.a)
}

// set records a glamour render of the open piece, if its last block is a
// heading that live frames can show and the render shows it as they would.
func (l *liveHeading) set(r *Renderer, start int, piece string, lines []string, tail string) {
	l.ok = false
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned {
		return
	}
	at, mark, words, ok := lastHeading(piece)
	if !ok {
		return
	}
	h := r.eng.headingStyle(r.opts, mark)
	k := lastText(lines)
	if !h.ok || k < 0 {
		return
	}
	a, ok := h.before(lines[k], words)
	if !ok {
		return
	}
	l.ok, l.start, l.base, l.at, l.mark, l.k, l.tail, l.style, l.a = true, start, piece, at, mark, k, tail, h, a
	l.lines = append(l.lines[:0], lines...)
}

// fresh sets the state for a heading that starts the piece or its last
// line after a blank line, from a probe rendered in its place (see
// Renderer.blockAt).
func (l *liveHeading) fresh(r *Renderer, start int, piece string) bool {
	b, head, tail, first, ok := r.blockAt(start, piece)
	if !ok {
		return false
	}
	at, mark, _, ok := lastHeading(piece)
	if !ok || at != b {
		return false
	}
	p := probeOnce(liveKey{'H', r.opts.Width, r.opts.Style, mark, tail, first}, func() (p liveHeading) {
		h := r.eng.headingStyle(r.opts, mark)
		out, err := r.eng.piece(first, tail, mark+liveProbe)
		if !h.ok || err != nil {
			return p
		}
		lines := appendLines(nil, tail+out)
		k := lastText(lines)
		if k < 0 {
			return p
		}
		a, ok := h.before(lines[k], liveProbe)
		return liveHeading{ok: ok, mark: mark, lines: lines, k: k, tail: tailOf(tail + out), style: h, a: a}
	})
	if !p.ok {
		return false
	}
	lines := l.lines
	*l = p
	l.lines = append(append(lines[:0], head...), p.lines...) // the probe's lines are shared
	l.start, l.base, l.at, l.k = start, piece[:b], b, p.k+len(head)
	return true
}

// extend appends to dst the lines of the open piece, which starts at
// start, with the heading's line made live, or returns false if glamour
// must render it.
func (l *liveHeading) extend(dst []string, start int, piece string) ([]string, bool) {
	if !l.ok || start != l.start || len(piece) <= len(l.base) || piece[:len(l.base)] != l.base {
		return nil, false
	}
	at, mark, words, ok := lastHeading(piece)
	if !ok || at != l.at || mark != l.mark {
		return nil, false
	}
	line := l.a + l.style.show(words)[len(l.style.a):]
	if ansi.StringWidth(line) >= l.style.limit {
		return nil, false // glamour may wrap it
	}
	dst = append(dst, l.lines[:l.k]...)
	dst = append(dst, line)
	return append(dst, l.lines[l.k+1:]...), true
}
