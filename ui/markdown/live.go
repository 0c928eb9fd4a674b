package markdown

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Live paragraphs
//
// While a model streams prose, most frames differ from the one before by a
// word or two at the end of a paragraph, and re-rendering the paragraph
// through glamour is most of what such a frame costs. With Options.Live, a
// frame whose open piece only grew at the end of a top-level paragraph, of
// a one-line item of a top-level list or of a quote of one line is made
// without glamour (a heading's and a table's too: see live_block.go and
// live_table.go), when the
// words of the block's last line and after are of a kind whose rendering is
// certain: plain words (ASCII letters, digits, single spaces and
// , . ; : ! ? ' " ( ) |), code spans and emphasis (* ** _ __) around such
// words, and the marks of a code span or of emphasis that nothing closes
// yet, which show as themselves (see parseInline for the exact subset of
// CommonMark). The lines of the piece's last glamour render are kept up to
// the block's last line; from there the words are laid out again, each in
// its style, and wrapped where glamour's greedy word wrap puts them. The
// block's style, line prefixes, wrap limit and the styles and marks of a
// code span and of emphasis are read off probe renders, once per engine and
// kind of block. Whenever the result is not certain (a word that glamour
// would move up to the line above, or cut, a wrap inside a code span or
// emphasis, anything outside the subset, a block of another kind, a render
// whose last line is not the shape expected or does not show what the
// layout makes of its words), the frame is rendered by glamour, as always.
// A block that starts the piece, or its last line after a blank line, is
// laid out from its first frame on, from a probe rendered in its place
// (liveState.fresh); its words are then all laid out by the same wrap.
//
// A live frame looks the same as glamour's render of the same text (the
// same characters in the same cells with the same colours:
// TestLiveLooksTheSame checks every frame of the corpus cell by cell), but
// its bytes may differ: glamour cuts a line into more SGR runs. Committed
// pieces (Stable lines) and the frame after Finish are always glamour's
// own, so the final frame equals a full render byte for byte (a closed
// paragraph is committed with glamour's bytes built without glamour: see
// live_commit.go).

// liveStyle is how an engine shows the plain text of a block of one
// kind, found by rendering probes of that kind.
type liveStyle struct {
	first     string // what the block's first line shows before its text, style included
	next      string // the same for the lines its text wraps onto
	pre, post string // the SGR sequences around a run of its text
	pad       int    // lines are padded with plain spaces to this width, or 0
	limit     int    // the widest line the word wrap makes, all included
	ok        bool   // the probes have the shape live frames rely on
	one       bool   // the block is shown live only while it is one line (a quote)
	lazy      string // an item's line of digits (its paragraph's lazy continuation) is shown after this, or ""
	spans     [spanKinds]liveSpan
}

// Kinds of spans of a block's text.
const (
	spanEm     = iota // *emphasis* or _emphasis_
	spanStrong        // **strong** or __strong__
	spanCode          // `code`
	spanKinds
)

// liveSpan is how an engine shows a span of one kind: what comes before
// and after its content, styles and marks included.
type liveSpan struct {
	a, b   string
	va, vb string // what a and b show
	ok     bool   // the probes showed the span as a + content + b
}

// liveStyle returns the engine's liveStyle for blocks whose first line
// starts with lead: "" for a paragraph, a list marker ("- ", "3. ") for an
// item of a top-level list. The engine renders with opts: the probes'
// results are kept for all engines of the same width and style, as a
// renderer's engine lives no longer than an answer.
func (e *engine) liveStyle(opts Options, lead string) liveStyle {
	lead = ones(lead) // one probe for all items numbered with as many digits
	if st, ok := e.live[lead]; ok {
		return st
	}
	if e.live == nil {
		e.live = map[string]liveStyle{}
	}
	st := probeOnce(liveKey{kind: 's', width: opts.Width, style: opts.Style, lead: lead}, func() liveStyle { return e.probeLive(lead, opts.Width) })
	e.live[lead] = st
	return st
}

// probes holds what probe renders found, for all renderers, by what it
// depends on: a liveStyle, or the state of a block laid out from a probe.
var probes struct {
	sync.Mutex
	m map[liveKey]any
}

// probeOnce returns what probe found for key, calling it only the first
// time: a renderer's engine lives no longer than an answer, and the chat
// makes one per message.
func probeOnce[T any](key liveKey, probe func() T) T {
	probes.Lock()
	v, ok := probes.m[key].(T)
	probes.Unlock()
	if ok {
		return v
	}
	v = probe()
	probes.Lock()
	if probes.m == nil || len(probes.m) >= 512 {
		probes.m = map[liveKey]any{} // widths come and go with the terminal's
	}
	probes.m[key] = v
	probes.Unlock()
	return v
}

// liveKey is what a probe's result depends on.
type liveKey struct {
	kind        byte // what is probed: 's' a liveStyle, 'p' a liveState, 'h' and 'H' a heading's style and state
	width       int
	style, lead string // lead: what the block's first line starts with
	tail        string // the partial line the block follows, for a state
	first       bool   // the block starts the document, for a state
}

// probeLive renders a block of one word, one of many short words and one
// of a long word, and reads the block's style off them; width is the
// engine's.
func (e *engine) probeLive(lead string, width int) liveStyle {
	const word = "Probe"
	var st liveStyle
	quote := lead == "> "
	textLines := func(src string) []string {
		out, err := e.piece(true, "", src)
		if err != nil {
			return nil
		}
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if l = trimLine(l); quote {
				l = dropEmptyRuns(l)
			}
			if strings.TrimSpace(ansi.Strip(l)) != "" {
				lines = append(lines, l)
			}
		}
		return lines
	}
	one := textLines(lead + word)
	if len(one) != 1 || strings.Count(one[0], word) != 1 {
		return st
	}
	line := one[0]
	i := strings.Index(line, word)
	st.first = line[:i]
	st.pre = trailingSGR(st.first)
	right := line[i+len(word):]
	st.post = strings.TrimRight(right, " ")
	if len(st.post) < len(right) {
		st.pad = ansi.StringWidth(line)
	}
	if st.pre == "" && strings.Contains(st.first, "\x1b") || ansi.Strip(st.post) != "" {
		return st // the text has decorations of its own
	}
	many := textLines(lead + manyWords(width))
	if len(many) < 3 || !strings.HasPrefix(many[0], st.first+"a") {
		return st
	}
	if quote {
		// glamour wraps a quote's text, then the lines with the quote's
		// mark before them again: live frames show only a quote of one
		// line, narrower than the first of many short words (which
		// both wraps allowed).
		shown := ansi.Strip(st.first)
		st.next = shown[:len(shown)-len(strings.TrimLeft(shown, " "))] + st.pre
		st.limit = ansi.StringWidth(strings.TrimRight(ansi.Strip(many[0]), " ")) - 1
		st.one = true
		st.ok = st.limit > ansi.StringWidth(st.first)+2
		for kind, mark := range [spanKinds]string{"*", "**", "`"} {
			st.spans[kind] = st.probeSpan(lead, mark, textLines)
		}
		return st
	}
	j := strings.Index(many[1], "a")
	if j < 0 || !strings.HasSuffix(many[1][:j], st.pre) {
		return st
	}
	st.next = many[1][:j]
	long := textLines(lead + strings.Repeat("a", max(400, 2*width+20)))
	if len(long) < 2 {
		return st
	}
	// A word longer than a line is cut at the wrap's limit, and a line of
	// one-letter words ends there or one cell before.
	for _, l := range long[:len(long)-1] {
		st.limit = max(st.limit, ansi.StringWidth(strings.TrimRight(ansi.Strip(l), " ")))
	}
	for _, l := range many[:len(many)-1] {
		if w := ansi.StringWidth(strings.TrimRight(ansi.Strip(l), " ")); w > st.limit || w < st.limit-1 {
			return st
		}
	}
	st.ok = st.limit > ansi.StringWidth(st.first)+2 && st.limit > ansi.StringWidth(st.next)+2
	for kind, mark := range [spanKinds]string{"*", "**", "`"} {
		st.spans[kind] = st.probeSpan(lead, mark, textLines)
	}
	if listMarker(lead) > 0 {
		// A line of digits after an item continues its paragraph, and
		// glamour shows it on a line of its own.
		if two := textLines(lead + word + "\n12"); len(two) == 2 && two[0] == line {
			if a, ok := strings.CutSuffix(two[1], "12"+st.post); ok && strings.TrimLeft(ansi.Strip(a), " ") == "" {
				st.lazy = a
			}
		}
	}
	return st
}

// manyWords returns the text of a probe of one-letter words that wraps
// into three lines or more at width.
func manyWords(width int) string {
	return strings.Repeat("a ", max(200, 2*width))
}

// probeSpan reads off probes how a span marked with mark is shown: a
// paragraph with one word in the span, and one with two, must show the
// span's content between the same a and b, in a line otherwise made of
// the block's plain text.
func (st *liveStyle) probeSpan(lead, mark string, textLines func(string) []string) liveSpan {
	var sp liveSpan
	shown := func(content string) (string, bool) {
		lines := textLines(lead + "Probe " + mark + content + mark + " probe")
		if len(lines) != 1 {
			return "", false
		}
		line := strings.TrimRight(lines[0], " ")
		before, after := st.first+"Probe "+st.post, st.pre+" probe"+st.post
		if !strings.HasPrefix(line, before) || !strings.HasSuffix(line, after) || len(line) < len(before)+len(after) {
			return "", false
		}
		return line[len(before) : len(line)-len(after)], true
	}
	one, ok1 := shown("Xq")
	two, ok2 := shown("Xq Zw")
	i := strings.Index(one, "Xq")
	if !ok1 || !ok2 || i < 0 {
		return sp
	}
	sp.a, sp.b = one[:i], one[i+2:]
	sp.va, sp.vb = ansi.Strip(sp.a), ansi.Strip(sp.b)
	// A space in a or b would be a place to wrap at.
	sp.ok = two == sp.a+"Xq Zw"+sp.b && !strings.Contains(ansi.Strip(sp.a+sp.b), " ")
	return sp
}

// dropEmptyRuns drops what a quote's line ends with after its text and
// that shows nothing, which trimLine keeps: runs of spaces in a glyph-only
// style after a run of no spaces (an SGR and a reset).
func dropEmptyRuns(l string) string {
	for {
		rest, ok := cutReset(l)
		if !ok {
			return l
		}
		rest = strings.TrimRight(rest, " ")
		open := strings.LastIndex(rest, "\x1b[")
		if open < 0 || strings.IndexByte(rest[open:], 'm') != len(rest)-open-1 || !invisibleOnSpace(rest[open+2:len(rest)-1]) {
			return l
		}
		before := rest[:open]
		if _, reset := cutReset(before); !reset && strings.Contains(before, "\x1b[") {
			return l
		}
		l = before
	}
}

// ones returns s with its digits replaced by 1.
func ones(s string) string {
	if !strings.ContainsAny(s, "023456789") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '1'
		}
	}
	return string(b)
}

// trailingSGR returns the SGR sequence that s ends with, if it does.
func trailingSGR(s string) string {
	i := strings.LastIndex(s, "\x1b[")
	if i < 0 || !strings.HasSuffix(s, "m") || strings.Trim(s[i+2:len(s)-1], "0123456789;:") != "" {
		return ""
	}
	return s[i:]
}

// liveState is what live frames of the open piece build on: the piece's
// last glamour render, and how its last block's last lines were wrapped.
type liveState struct {
	ok     bool     // live frames may follow
	start  int      // where the piece starts in the text
	base   string   // the piece's text at that render
	lines  []string // the lines of that render
	k      int      // lines[k] is the last line with text: the block's last
	from   int      // where the words wrap lays out start in the piece: those of lines[k-1] or lines[k]
	keep   int      // how many of them are on lines[k-1], kept as they are
	lead   string   // what the wrap sees before them: the list marker, on the block's first line
	prefix string   // what lines[k] shows before its words
	limit  int      // the wrap's width
	breaks string   // the wrap's breakpoints
	item   bool     // the block is a list item: a newline ends it
	lead0  string   // the block's lead, and where its text starts in the piece
	at     int
	num    int // the number glamour shows before a numbered item, or -1
	style  liveStyle
	tail   string // the partial line the piece's output ends with
	in     inline // scratch space
}

// set records the glamour render of the open piece, which starts at start
// and whose lines are lines, and whether live frames can follow it: the
// block's words from those of its line before last on must lay out as
// glamour laid them out.
//
// When they cannot, the state of an earlier render of the same piece is
// kept, if its text is still where the piece starts: extend makes a frame
// from any text that only grew after it, so a frame glamour renders for a
// line live frames cannot make yet (an item's marker alone, "- ") does not
// end live frames of the block before it.
func (l *liveState) set(r *Renderer, start int, piece string, lines []string, tail string) {
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned {
		l.ok = false
		return
	}
	if !l.try(r, start, piece, lines, tail) && (start != l.start || !strings.HasPrefix(piece, l.base)) {
		l.ok = false
	}
}

// try sets the state from a glamour render, whose output ends with the
// partial line tail, if live frames can follow it.
func (l *liveState) try(r *Renderer, start int, piece string, lines []string, tail string) bool {
	lead, at, ok := lastBlock(piece)
	if !ok {
		return false
	}
	st := r.eng.liveStyle(r.opts, lead)
	margin := ansi.Strip(st.next)
	if !st.ok || strings.Trim(margin, " ") != "" || len(ansi.Strip(st.first)) < len(margin) {
		return false
	}
	k := lastText(lines)
	if k < 0 || !l.in.parse(piece[at:], &st) {
		return false
	}
	words := l.in.words
	j := wordsOn(lines[k], words, len(words), &st)
	from := j
	if j > 0 && k > 0 {
		from = wordsOn(lines[k-1], words, j, &st)
	}
	if from < 0 || j > 0 && from == j || l.in.open < words[j].at {
		return false // not the shape expected, or an opener a later word may close
	}
	top := k // the first line laid out again
	if from < j {
		top = k - 1
	}
	wlead := ""
	if from == 0 {
		shown, n := ansi.Strip(lines[top]), len(ansi.Strip(st.first))
		if len(shown) < n {
			return false
		}
		wlead = shown[len(margin):n]
	}
	limit, breaks, item := st.limit-len(margin), "", listMarker(lead) > 0
	if item {
		breaks = listBreaks
	}
	if !l.in.wrap(from, wlead, limit, breaks) || len(l.in.lines) != k+1-top || st.one && k != top {
		return false
	}
	pw := ansi.StringWidth(st.next)
	if from == 0 {
		pw = ansi.StringWidth(st.first)
	}
	first := cutCells(lines[top], pw)
	for i, line := range l.in.render(nil, 0, first) {
		if strings.TrimRight(ansi.Strip(line), " ") != strings.TrimRight(ansi.Strip(lines[top+i]), " ") {
			return false // the wrap does not make what glamour made
		}
	}
	l.ok, l.start, l.base, l.style, l.tail = true, start, piece, st, tail
	l.lines = append(l.lines[:0], lines...)
	l.k, l.from, l.keep, l.lead = k, at+words[from].at, j-from, wlead
	l.limit, l.breaks, l.item, l.lead0, l.at = limit, breaks, item, lead, at
	l.prefix = first
	if from < j {
		l.prefix = strings.TrimSuffix(st.next, st.pre)
	}
	l.num = -1
	if item && from == 0 && !strings.Contains("- * + ", lead) {
		// The number shown, if it has as many digits as the probe's.
		shown := ansi.Strip(first)[len(margin):]
		n := len(shown) - len(strings.TrimLeft(shown, "0123456789"))
		if d := strings.IndexAny(lead, ".)"); n == d {
			l.num, _ = strconv.Atoi(shown[:n])
		}
	}
	return true
}

// withNumber returns s, a numbered item's first line up to its text as
// the probe of its digits showed it (ones), with num shown instead of the
// probe's number, or "" if s does not show len(num) ones there.
func withNumber(s, num string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\x1b':
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				return ""
			}
			i += j
		case c == '1':
			if i+len(num) > len(s) || strings.Trim(s[i:i+len(num)], "1") != "" {
				return ""
			}
			return s[:i] + num + s[i+len(num):]
		case c != ' ':
			return ""
		}
	}
	return ""
}

// fresh sets the state for a block that starts the piece, or its last
// line after a blank line, and that live frames lay out, a paragraph or an
// item of a list: from a probe rendered in its place (the block's lead and
// one word, after the partial line the output before it ends with), whose
// lines before and after the block's text are the block's (see
// Renderer.blockAt). extend then lays out all of the block's words, from
// its first line. It reports whether the state is set.
func (l *liveState) fresh(r *Renderer, start int, piece string) bool {
	b, head, tail, first, ok := r.blockAt(start, piece)
	if !ok {
		return false
	}
	line := piece[b:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	lead := ""
	if n := listMarker(line); n > 0 && line[0] != ' ' {
		lead = line[:n]
	} else if strings.HasPrefix(line, "> ") {
		lead = "> "
	}
	if !isParagraphLine(line[len(lead):]) {
		return false
	}
	p := probeOnce(liveKey{'p', r.opts.Width, r.opts.Style, lead, tail, first}, func() (p liveState) {
		if out, err := r.eng.piece(first, tail, lead+liveProbe); err == nil {
			if p.try(r, 0, lead+liveProbe, appendLines(nil, tail+out), tailOf(tail+out)) && p.keep == 0 {
				p.in = inline{}
				return p
			}
		}
		return liveState{}
	})
	if !p.ok {
		return false
	}
	in, lines := l.in, l.lines
	*l = p
	l.in, l.lines = in, append(append(lines[:0], head...), p.lines...) // the probe's lines are shared
	l.start, l.base = start, piece[:b]
	l.k, l.at, l.from = l.k+len(head), l.at+b, l.from+b
	return true
}

// listBreaks are the breakpoints of glamour's wrap of a list's text.
const listBreaks = " ,.;-+|"

// wordsOn returns the index of the first of words[:end] on line, which
// shows words[end-1] last, or -1 if the widths do not add up.
func wordsOn(line string, words []inlineWord, end int, st *liveStyle) int {
	shown := ansi.StringWidth(strings.TrimRight(ansi.Strip(line), " "))
	j, w, pw := end, -1, ansi.StringWidth(st.next) // w: the width of words[j:end], with the spaces between
	for j > 0 && (w < 0 || w+pw < shown) {
		j--
		w += words[j].w + 1
		if j == 0 {
			pw = ansi.StringWidth(st.first)
		}
	}
	if j == end || w+pw != shown {
		return -1
	}
	return j
}

// extend appends to dst the lines of the open piece, which starts at
// start, made live from the last glamour render, or returns false if
// glamour must render it.
func (l *liveState) extend(dst []string, start int, piece string) ([]string, bool) {
	if !l.ok || start != l.start || len(piece) <= len(l.base) || piece[:len(l.base)] != l.base {
		return nil, false
	}
	// Newlines at the end change nothing yet: the block is rendered
	// the same whether it has ended or not.
	piece = strings.TrimRight(piece, "\n")
	// A line of digits alone after an item (the next item's number, before
	// its dot comes) continues the item's paragraph as a lazy continuation
	// line, which glamour shows on a line of its own.
	var lazy string
	if j := strings.LastIndexByte(piece, '\n'); l.item && l.style.lazy != "" && j >= l.at && j+1 < len(piece) && strings.Trim(piece[j+1:], "0123456789") == "" {
		piece, lazy = piece[:j], piece[j+1:]
	}
	var items string // the lines of the items that follow the block's, in a tight list
	bullets := strings.Contains("- * + ", l.lead0)
	if i := strings.IndexByte(piece[l.at:], '\n'); l.item && i >= 0 {
		piece, items = piece[:l.at+i], piece[l.at+i+1:]
		if !bullets && l.num < 0 {
			return nil, false
		}
		for _, line := range strings.Split(items, "\n") {
			n := listMarker(line)
			if n == 0 || !isParagraphLine(line[n:]) || bullets && line[:n] != l.lead0 ||
				!bullets && strings.TrimLeft(line[:n], "0123456789") != strings.TrimLeft(l.lead0, "0123456789") {
				return nil, false // not the next item of the same list
			}
		}
	}
	if lead, at, ok := lastBlock(piece); !ok || lead != l.lead0 || at != l.at {
		return nil, false // not the same block any more, or not one of its lines
	}
	src := piece[l.from:]
	if !l.in.parse(src, &l.style) || !l.in.wrap(0, l.lead, l.limit, l.breaks) || l.style.one && len(l.in.lines) != 1 {
		return nil, false
	}
	from := 0
	if l.keep > 0 {
		if l.in.lines[0] != [2]int{0, l.keep} {
			return nil, false // a word moved up to the line before
		}
		from = 1
	}
	if from == len(l.in.lines) {
		return nil, false
	}
	out := l.in.render(append(dst, l.lines[:l.k]...), from, l.prefix)
	if items != "" {
		// The next items of a tight list of bullets start as the block's
		// first line does.
		// glamour numbers a list's items itself, from the first item's
		// number: the next items' numbers follow the block's as shown.
		first := strings.TrimSuffix(l.style.first, l.style.pre)
		lead := ansi.Strip(first)[len(ansi.Strip(l.style.next)):]
		for i, line := range strings.Split(items, "\n") {
			f, ld := first, lead
			if !bullets {
				num := strconv.Itoa(l.num + i + 1)
				if f = withNumber(first, num); f == "" {
					return nil, false
				}
				ld = num + lead[len(num):]
			}
			if !l.in.parse(line[listMarker(line):], &l.style) || !l.in.wrap(0, ld, l.limit, l.breaks) {
				return nil, false
			}
			out = l.in.render(out, 0, f)
		}
	}
	if lazy != "" {
		out = append(out, l.style.lazy+lazy+l.style.post)
	}
	return append(out, l.lines[l.k+1:]...), true
}

// cutCells returns the part of line that shows its first n cells, with a
// reset after it if it leaves attributes set.
func cutCells(line string, n int) string {
	i, w := 0, 0
	for i < len(line) && w < n {
		if line[i] == '\x1b' {
			j := strings.IndexByte(line[i:], 'm')
			if j < 0 {
				return line
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		w += ansi.StringWidth(line[i : i+size])
		i += size
	}
	s := line[:i]
	if j := strings.LastIndex(s, "\x1b["); j >= 0 && !strings.HasPrefix(s[j:], "\x1b[m") && !strings.HasPrefix(s[j:], "\x1b[0m") {
		s += "\x1b[m"
	}
	return s
}

// lastBlock reports whether the last block of piece, which starts at a
// top-level block, is one whose words can be laid out live: a top-level
// paragraph (its lines start as only a paragraph's can, after a blank line
// or the piece's start), a one-line item of a top-level list, or a quote
// of one line after a blank line or at the piece's start (glamour wraps a
// quote's lines twice, so only a quote that stays one line is live); the
// lead its first line starts with (see engine.liveStyle); and where its
// text starts, after the lead.
func lastBlock(piece string) (lead string, at int, ok bool) {
	at = strings.LastIndexByte(piece, '\n') + 1
	last := piece[at:]
	if strings.HasPrefix(last, "> ") && isParagraphLine(last[2:]) {
		// A quote of one line, after a blank line or at the piece's start.
		return "> ", at + 2, at == 0 || isBlank(piece[strings.LastIndexByte(piece[:at-1], '\n')+1:at-1])
	}
	if n := listMarker(last); n > 0 && last[0] != ' ' && isParagraphLine(last[n:]) {
		// An item starts a list after a blank line, or follows an item
		// of the same list; after a paragraph's line it may continue it.
		prev := ""
		if at > 0 {
			prev = piece[strings.LastIndexByte(piece[:at-1], '\n')+1 : at-1]
		}
		m := listMarker(prev)
		same := m > 0 && prev[0] != ' ' && strings.TrimLeft(prev[:m], "0123456789") == strings.TrimLeft(last[:n], "0123456789")
		return last[:n], at + n, at == 0 || isBlank(prev) || same
	}
	rest := piece
	for {
		i := strings.LastIndexByte(rest, '\n')
		line := rest[i+1:]
		if i < 0 {
			return "", 0, isParagraphLine(line)
		}
		if isBlank(line) {
			return "", len(rest) + 1, rest != piece // the last line is blank: no block is open
		}
		if !isParagraphLine(line) {
			return "", 0, false
		}
		rest = rest[:i]
	}
}

// isParagraphLine reports whether a line starts as only a paragraph's line
// can, as its text is now: with a letter, ( " or ', digits that no . or )
// follows (which would make a list item), or emphasis or a code span
// before one of those.
func isParagraphLine(l string) bool {
	starts := func(l string) bool {
		if l == "" {
			return false
		}
		if c := l[0]; c >= '0' && c <= '9' {
			i := 1
			for i < len(l) && l[i] >= '0' && l[i] <= '9' {
				i++
			}
			return i == len(l) || l[i] != '.' && l[i] != ')'
		}
		return plainByte(l[0]) && strings.IndexByte(",.;:!?)", l[0]) < 0
	}
	switch {
	case strings.HasPrefix(l, "**") || strings.HasPrefix(l, "__"):
		return starts(l[2:])
	case strings.HasPrefix(l, "*") || strings.HasPrefix(l, "_"):
		return starts(l[1:])
	case strings.HasPrefix(l, "`"):
		return len(l) > 1 && l[1] != ' ' && l[1] != '`'
	}
	return starts(l)
}
