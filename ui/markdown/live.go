package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Live paragraphs
//
// While a model streams prose, most frames differ from the one before by a
// word or two at the end of a paragraph, and re-rendering the paragraph
// through glamour is most of what such a frame costs. With Options.Live, a
// frame whose open piece only grew by plain words (ASCII letters, digits,
// single spaces and , . ; ! ? ' ", and the marks of a code span or of
// emphasis that no closer has met yet, which show as themselves: see
// literalText) at the end of a top-level paragraph or
// of a one-line item of a top-level list is made without glamour: the
// words go after the last line of the piece's last glamour render, in the
// block's text style, or onto new lines, where glamour's greedy word wrap
// puts them. The block's style, line prefixes and wrap limit are read off
// probe renders, once per engine and kind of block. Whenever the result is
// not certain (a word that grew past the end of its line and would move,
// anything that is not a plain word, a block of another kind, a render
// whose last line is not the shape expected), the frame is rendered by
// glamour, as always.
//
// A live frame looks the same as glamour's render of the same text (the
// same characters in the same cells with the same colours:
// TestLiveLooksTheSame checks every frame of the corpus cell by cell), but
// its bytes may differ: glamour cuts a line into more SGR runs. Committed
// pieces (Stable lines) and the frame after Finish are always glamour's
// own, so the final frame equals a full render byte for byte.

// liveStyle is how an engine shows the plain text of a block of one
// kind, found by rendering probes of that kind.
type liveStyle struct {
	first     string // what the block's first line shows before its text, style included
	next      string // the same for the lines its text wraps onto
	pre, post string // the SGR sequences around a run of its text
	pad       int    // lines are padded with plain spaces to this width, or 0
	limit     int    // the widest line the word wrap makes, all included
	ok        bool   // the probes have the shape live frames rely on
}

// liveStyle returns the engine's liveStyle for blocks whose first line
// starts with lead: "" for a paragraph, a list marker ("- ", "3. ") for an
// item of a top-level list, "> " for a quote.
func (e *engine) liveStyle(lead string) liveStyle {
	lead = ones(lead) // one probe for all items numbered with as many digits
	if st, ok := e.live[lead]; ok {
		return st
	}
	if e.live == nil {
		e.live = map[string]liveStyle{}
	}
	st := e.probeLive(lead)
	e.live[lead] = st
	return st
}

// probeLive renders a block of one word, one of many short words and one
// of a long word, and reads the block's style off them.
func (e *engine) probeLive(lead string) liveStyle {
	const word = "Probe"
	var st liveStyle
	textLines := func(src string) []string {
		out, err := e.piece(true, "", src)
		if err != nil {
			return nil
		}
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if l = trimLine(l); strings.TrimSpace(ansi.Strip(l)) != "" {
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
	many := textLines(lead + strings.Repeat("a ", 200))
	if len(many) < 3 || !strings.HasPrefix(many[0], st.first+"a") {
		return st
	}
	j := strings.Index(many[1], "a")
	if j < 0 || !strings.HasSuffix(many[1][:j], st.pre) {
		return st
	}
	st.next = many[1][:j]
	long := textLines(lead + strings.Repeat("a", 400))
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
	return st
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
// last glamour render.
type liveState struct {
	ok    bool     // words may be appended to base live
	start int      // where the piece starts in the text
	base  string   // the piece's text at that render
	lines []string // the lines of that render
	k     int      // lines[k] is the last line with text: the paragraph's last
	width int      // lines[k]'s width, its padding left out
	word  string   // base's last word, "" after a space
	space bool     // base ends with a space
	style liveStyle
}

// set records the glamour render of the open piece, which starts at start
// and whose lines are lines, and whether live frames can follow it.
func (l *liveState) set(r *Renderer, start int, piece string, lines []string) {
	l.ok = false
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned {
		return
	}
	lead, ok := lastBlock(piece)
	if !ok {
		return
	}
	st := r.eng.liveStyle(lead)
	if !st.ok {
		return
	}
	trimmed := strings.TrimRight(piece, " ")
	if len(piece)-len(trimmed) > 1 {
		return // two spaces: goldmark keeps them, or makes a break
	}
	word := trimmed[strings.LastIndexAny(trimmed, " \n")+1:]
	if word == "" || !literalText(trimmed, len(trimmed)-len(word)) || strings.Contains(strings.ToLower(word), "www.") {
		return
	}
	k := len(lines) - 1
	for k >= 0 && strings.TrimSpace(ansi.Strip(lines[k])) == "" {
		k--
	}
	if k < 0 {
		return
	}
	last := lines[k]
	if st.pad > 0 {
		last = strings.TrimRight(last, " ")
	}
	plain := ones(ansi.Strip(last))
	if !strings.HasPrefix(plain, ones(ansi.Strip(st.first))) && !strings.HasPrefix(plain, ones(ansi.Strip(st.next))) {
		return // not a line of this block
	}
	if !strings.HasSuffix(strings.TrimRight(plain, " "), ones(word)) {
		return // not the shape expected: the word was cut, or moved
	}
	l.ok, l.start, l.base, l.style = true, start, piece, st
	l.lines = append(l.lines[:0], lines...)
	l.k, l.width = k, ansi.StringWidth(last)
	l.word, l.space = word, len(trimmed) < len(piece)
	if l.space {
		l.word = ""
	}
}

// extend appends to dst the lines of the open piece, which starts at
// start, made live from the last glamour render, or returns false if
// glamour must render it.
func (l *liveState) extend(dst []string, start int, piece string) ([]string, bool) {
	if !l.ok || start != l.start || len(piece) <= len(l.base) || piece[:len(l.base)] != l.base {
		return nil, false
	}
	add := piece[len(l.base):]
	if !literalText(piece, len(l.base)) {
		return nil, false
	}
	st := l.style
	var runs []string // the text added to lines[k], then that of each new line
	var cur strings.Builder
	width, space := l.width, l.space
	word, from := l.word, 0 // the word being written is word + add[from:i+1]
	for i := 0; i < len(add); i++ {
		c := add[i]
		switch {
		case c == ' ':
			if space {
				return nil, false
			}
			space, word, from = true, "", i+1
			continue
		case space && width+2 <= st.limit:
			cur.WriteByte(' ')
			width++
		case space:
			runs = append(runs, cur.String())
			cur.Reset()
			width = ansi.StringWidth(st.next)
		case width+1 > st.limit:
			return nil, false // the word grows past the line's end: it moves
		}
		cur.WriteByte(c)
		width++
		space = false
		// set refused a word that held "www." already, so it can only
		// appear here as the end of the word, with a dot.
		if c == '.' && strings.HasSuffix(strings.ToLower(word+add[from:i+1]), "www.") {
			return nil, false // linkify may make it a link
		}
	}
	if cur.Len() > 0 || len(runs) > 0 {
		runs = append(runs, cur.String())
	}
	out := append(dst, l.lines[:l.k]...)
	for i, run := range runs {
		line := st.next
		if run != "" {
			line = strings.TrimSuffix(line, st.pre)
		}
		if i == 0 {
			line = l.lines[l.k]
			if st.pad > 0 {
				line = strings.TrimRight(line, " ")
			}
		}
		if run != "" {
			line += st.pre + run + st.post
		}
		if st.pad > 0 {
			line += strings.Repeat(" ", max(st.pad-ansi.StringWidth(line), 0))
		}
		out = append(out, line)
	}
	if len(runs) == 0 {
		out = append(out, l.lines[l.k])
	}
	return append(out, l.lines[l.k+1:]...), true
}

// plainText reports whether s holds only characters that are text in any
// markdown context and cannot change how the text before them renders.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(` ,.;!?'"`, c) >= 0) {
			return false
		}
	}
	return true
}

// literalText reports whether piece[from:] shows as itself, as plain
// text would, where piece's last block is one that lastBlock accepts: it
// is plain text (plainText) but for marks that cannot be markup yet. A run
// of * or _ after a space can only open emphasis, and shows as itself
// until a closer comes, which is not plain; a backtick shows as itself
// while no other backtick pairs with it: when its block has no run of two
// and an even number before it. A closer comes in a delta that is not
// literal, and that frame is glamour's.
func literalText(piece string, from int) bool {
	add := piece[from:]
	if plainText(add) {
		return true
	}
	block := piece[strings.LastIndexByte(piece, '\n')+1:]
	if listMarker(block) == 0 {
		block = piece[strings.LastIndex("\n\n"+piece, "\n\n"):]
	}
	if strings.Contains(block, "``") || strings.ContainsAny(block, "\\<") {
		return false
	}
	if ticks := strings.Count(add, "`"); ticks > 1 || ticks == 1 && strings.Count(block, "`")%2 == 0 {
		return false
	}
	for i := from; i < len(piece); i++ {
		switch c := piece[i]; c {
		case '*', '_':
			k := i
			for k > 0 && piece[k-1] == c {
				k--
			}
			if k == 0 || piece[k-1] != ' ' {
				return false // it may close, or be a list marker
			}
		case '`':
		default:
			if !plainText(piece[i : i+1]) {
				return false
			}
		}
	}
	return true
}

// lastBlock reports whether the last block of piece, which starts at a
// top-level block, is one whose words can be appended live: a top-level
// paragraph (its lines start as only a paragraph's can, after a blank line
// or the piece's start) or a one-line item of a top-level list; and the
// lead its first line starts with (see engine.liveStyle). Quotes are left
// out: glamour wraps their lines in ways a greedy word wrap does not.
func lastBlock(piece string) (lead string, ok bool) {
	last := piece[strings.LastIndexByte(piece, '\n')+1:]
	if n := listMarker(last); n > 0 && last[0] != ' ' && isParagraphLine(last[n:]) {
		return last[:n], true
	}
	rest := piece
	for {
		i := strings.LastIndexByte(rest, '\n')
		line := rest[i+1:]
		if i < 0 {
			return "", isParagraphLine(line)
		}
		if isBlank(line) {
			return "", rest != piece // the last line is blank: no block is open
		}
		if !isParagraphLine(line) {
			return "", false
		}
		rest = rest[:i]
	}
}

// isParagraphLine reports whether a line starts as only a paragraph's line
// can: with a letter, or emphasis or a code span before a letter.
func isParagraphLine(l string) bool {
	letter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	switch {
	case l == "":
		return false
	case letter(l[0]):
		return true
	case strings.HasPrefix(l, "**") || strings.HasPrefix(l, "__"):
		return len(l) > 2 && letter(l[2])
	}
	return len(l) > 1 && strings.IndexByte("*_`", l[0]) >= 0 && letter(l[1])
}
