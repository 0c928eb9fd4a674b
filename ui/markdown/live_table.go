package markdown

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Live tables
//
// glamour hands a table to lipgloss, which gives each column the width of
// its widest cell plus a cell of margin on each side, then widens the
// narrowest column by a cell at a time until the table fills the width
// (when the cells are too wide for that, it shrinks columns and wraps
// cells instead: that is left to glamour). So a frame in which the table,
// the open piece's last block, only grew by rows, or by cells of its last
// row, can be made without glamour when the new cells are of the subset
// live frames lay out (see inline.parse): the header's and the complete
// rows' cells are taken as glamour drew them at its last render of the
// piece, the rows after them are laid out from their text (the words in
// the cell style read off probes), the columns' widths are worked out as
// lipgloss works them out, and each row is drawn with its cells aligned in
// their columns. At each glamour render of such a table, its lines are
// drawn again that way from the cells taken off them, and must come out
// byte for byte the same (a plain margin, plain separators and padding,
// one line a row) before live frames may follow.

// liveTable is what live frames of a table, the open piece's last block,
// build on.
type liveTable struct {
	ok     bool
	start  int        // where the piece starts in the text
	base   string     // the piece's text at the render
	from   int        // where the rows start in the piece that live frames lay out: after the complete ones
	lines  []string   // the lines of the render
	hdr    int        // lines[hdr] is the header's line, lines[hdr+1] the rule under it
	end    int        // lines[end:] come after the table's rows
	cells  [][]string // the cells of the header and of the complete rows, as glamour drew them
	fixedW []int      // the widest of each column among those
	cols   []int      // the columns' widths at the render, margins included
	align  []byte     // each column's alignment: 'l', 'r' or 'c'
	width  int        // the table's width, separators included
	margin int        // the plain spaces the table's lines start with
	sep    string     // what separates two cells of a row
	rule   string     // the rule's character
	cross  string     // the rule's character where it crosses a separator
	style  liveStyle  // how a cell's text is shown
	tail   string     // the partial line the render ends with

	in   inline   // scratch space
	row  []string // scratch
	widw []int    // scratch
}

// set records a glamour render of the open piece, which starts at start
// and whose lines are lines, if its last block is a table that live frames
// can grow.
func (l *liveTable) set(r *Renderer, start int, piece string, lines []string, tail string) {
	l.ok = false
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned {
		return
	}
	at, ok := lastTable(piece)
	if !ok {
		return
	}
	src := strings.Split(strings.TrimRight(piece[at:], "\n"), "\n")
	if len(src) < 2 || !strings.Contains(piece[at+len(src[0])+1:], "\n") {
		return // the delimiter row is not complete
	}
	align, ok := tableAlign(src[1])
	if !ok {
		return
	}
	rows := src[2:]
	k := lastText(lines)
	hdr := k - len(rows) - 1
	if hdr < 0 || !l.geometry(lines[hdr+1], len(align)) {
		return
	}
	l.align = append(l.align[:0], align...)
	// The rows before the last are complete, and so is the last if a
	// newline follows it.
	fixed, from := len(rows), len(piece)
	if len(rows) > 0 && !strings.HasSuffix(piece, "\n") {
		fixed, from = fixed-1, strings.LastIndexByte(piece, '\n')+1
	}
	l.sep = ""
	if len(align) > 1 {
		l.sep = visibleAt(lines[hdr], l.margin+l.cols[0])
	}
	l.cells = l.cells[:0]
	all := make([]int, len(align))
	l.fixedW = append(l.fixedW[:0], all...)
	for i := 0; i <= len(rows); i++ {
		n := hdr
		if i > 0 {
			n = hdr + 1 + i
		}
		cells, ok := l.cut(lines[n])
		if !ok {
			return
		}
		for j, c := range cells {
			if strings.HasSuffix(ansi.Strip(c), "…") {
				return // lipgloss cut it to fit: how wide it is is not known
			}
			w := ansi.StringWidth(c)
			all[j] = max(all[j], w)
			if i <= fixed {
				l.fixedW[j] = max(l.fixedW[j], w)
			}
		}
		if i <= fixed {
			l.cells = append(l.cells, cells)
		}
	}
	if !slices.Equal(expandWidths(nil, all, l.width), l.cols) {
		return // lipgloss shrank the table to fit
	}
	st := r.eng.tableStyle(r.opts)
	if !st.ok {
		return
	}
	l.style = st
	// Every line of the table drawn again from the cells taken off it
	// must be glamour's, and the last row, if not complete, must show
	// the same text laid out from its source.
	for i, line := range l.draw(nil, l.cols) {
		if line != lines[hdr+i] {
			return
		}
	}
	if fixed < len(rows) {
		cells, _ := l.cut(lines[k])
		if l.rowLine(cells, l.cols) != lines[k] {
			return
		}
		if drawn, ok := l.layOut(rows[fixed]); ok && !sameText(drawn, cells) {
			return
		}
	}
	l.ok, l.start, l.base, l.from, l.hdr, l.end, l.tail = true, start, piece, from, hdr, k+1, tail
	l.lines = append(l.lines[:0], lines...)
}

// extend appends to dst the lines of the open piece, which starts at
// start, with the table's rows made live, or returns false if glamour must
// render it.
func (l *liveTable) extend(dst []string, start int, piece string) ([]string, bool) {
	if !l.ok || start != l.start || !strings.HasPrefix(piece, l.base) {
		return nil, false
	}
	rest := strings.TrimRight(piece[l.from:], "\n")
	if rest != "" && (rest[0] == '\n' || strings.HasSuffix(piece[:l.from], "\n\n") || strings.Contains(rest, "\n\n")) {
		return nil, false // a blank line ended the table
	}
	widths := append(l.widw[:0], l.fixedW...)
	var drawn [][]string
	for rest != "" {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		cells, ok := l.layOut(line)
		if !ok {
			return nil, false
		}
		for j, c := range cells {
			widths[j] = max(widths[j], ansi.StringWidth(c))
		}
		drawn = append(drawn, slices.Clone(cells))
	}
	l.widw = widths
	cols := expandWidths(nil, widths, l.width)
	if cols == nil {
		return nil, false // lipgloss would shrink the table
	}
	fixed := len(l.cells) - 1
	dst = append(dst, l.lines[:l.hdr]...)
	if l.cols != nil && slices.Equal(cols, l.cols) {
		dst = append(dst, l.lines[l.hdr:l.hdr+2+fixed]...)
	} else {
		dst = l.draw(dst, cols)
	}
	for _, cells := range drawn {
		dst = append(dst, l.rowLine(cells, cols))
	}
	return append(dst, l.lines[l.end:]...), true
}

// layOut returns the cells of a row's source line as live frames draw
// them, or false if one is not of the subset they lay out.
func (l *liveTable) layOut(line string) ([]string, bool) {
	if line == "" || line[0] != '|' || strings.ContainsAny(line, "\\\t") {
		return nil, false
	}
	l.row = splitRow(l.row[:0], line, len(l.align))
	for j, c := range l.row {
		if !l.in.parse(c, &l.style) {
			return nil, false
		}
		l.in.lines = append(l.in.lines[:0], [2]int{0, len(l.in.words)})
		l.row[j] = l.in.render(nil, 0, "")[0]
	}
	return l.row, true
}

// splitRow appends to dst the n cells of a table's row, as goldmark cuts
// them: at each |, the first and the last dropped, spaces around each
// cell dropped, cells past the n-th dropped and empty ones added up to n;
// with n < 0, all the cells of a header's row.
func splitRow(dst []string, line string, n int) []string {
	line = strings.Trim(line, " ")
	pos, limit := 0, len(line)
	if limit > 0 && line[0] == '|' {
		pos++
	}
	if limit > 0 && line[limit-1] == '|' {
		limit--
	}
	for pos < limit && (n < 0 || len(dst) < n) {
		end := limit
		if i := strings.IndexByte(line[pos:limit], '|'); i >= 0 {
			end = pos + i
		}
		dst = append(dst, strings.Trim(line[pos:end], " "))
		pos = end + 1
	}
	for len(dst) < n {
		dst = append(dst, "")
	}
	return dst
}

// sameText reports whether two rows of drawn cells show the same text.
func sameText(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for j := range a {
		if ansi.Strip(a[j]) != ansi.Strip(b[j]) {
			return false
		}
	}
	return true
}

// expandWidths returns the widths lipgloss gives n columns whose widest
// cells are maxw wide in a table of width width, separators included: the
// cells plus a cell of margin each side, then the narrowest column (the
// first of those as narrow) widened by one cell at a time until the table
// fills the width. It returns nil if the cells are too wide for that.
func expandWidths(dst, maxw []int, width int) []int {
	dst = dst[:0]
	sum := len(maxw) - 1
	for _, w := range maxw {
		dst = append(dst, w+2)
		sum += w + 2
	}
	if sum > width {
		return nil
	}
	for ; sum < width; sum++ {
		j := 0
		for i, w := range dst {
			if w < dst[j] {
				j = i
			}
		}
		dst[j]++
	}
	return dst
}

// lastTable returns where the table starts that is piece's last block,
// if it is one whose lines all start with |, at the piece's start or
// after a blank line.
func lastTable(piece string) (int, bool) {
	body := strings.TrimRight(piece, "\n")
	at := len(body)
	for {
		i := strings.LastIndexByte(body[:at], '\n') + 1
		if i == at || body[i] != '|' {
			return 0, false
		}
		at = i
		if at == 0 {
			return 0, true
		}
		prev := body[strings.LastIndexByte(body[:at-1], '\n')+1 : at-1]
		if isBlank(prev) {
			return at, !strings.Contains(prev, "\t") && prev == ""
		}
		if prev[0] != '|' {
			return 0, false
		}
		at--
	}
}

// tableAlign returns the alignments of a table's delimiter row, as
// goldmark reads them ('l' also for none), or false if it is not one.
func tableAlign(line string) ([]byte, bool) {
	if strings.Trim(line, " -|:") != "" || strings.HasPrefix(line, "    ") {
		return nil, false
	}
	cols := strings.Split(line, "|")
	if isBlank(cols[0]) {
		cols = cols[1:]
	}
	if len(cols) > 0 && isBlank(cols[len(cols)-1]) {
		cols = cols[:len(cols)-1]
	}
	var align []byte
	for _, c := range cols {
		c = strings.Trim(c, " ")
		left, right := strings.HasPrefix(c, ":"), strings.HasSuffix(c, ":")
		mid := strings.TrimSuffix(strings.TrimPrefix(c, ":"), ":")
		if mid == "" || strings.Trim(mid, "-") != "" {
			return nil, false
		}
		switch {
		case left && right:
			align = append(align, 'c')
		case right:
			align = append(align, 'r')
		default:
			align = append(align, 'l')
		}
	}
	return align, len(align) > 0
}

// geometry reads the table's margin, columns and characters off the rule
// under its header: the margin's plain spaces, then the n columns' runs of
// the rule's character with one other character between two.
func (l *liveTable) geometry(rule string, n int) bool {
	s := ansi.Strip(rule)
	m := len(s) - len(strings.TrimLeft(s, " "))
	if m == len(s) || rule[:m] != s[:m] {
		return false
	}
	l.margin, l.cols, l.width, l.cross = m, l.cols[:0], n-1, ""
	runes := []rune(s[m:])
	l.rule = string(runes[0])
	w := 0
	for _, c := range runes {
		switch {
		case string(c) == l.rule:
			w++
		case w == 0 || l.cross != "" && string(c) != l.cross:
			return false
		default:
			l.cross, l.cols, w = string(c), append(l.cols, w), 0
		}
	}
	l.cols = append(l.cols, w)
	if len(l.cols) != n {
		return false
	}
	for _, c := range l.cols {
		if c < 2 {
			return false
		}
		l.width += c
	}
	return true
}

// visibleAt returns the character line shows in cell x, counting every
// character as one cell, or "".
func visibleAt(line string, x int) string {
	a, b := cellsEnd(line, 0, x), cellsEnd(line, 0, x+1)
	if a < 0 || b < 0 {
		return ""
	}
	return ansi.Strip(line[a:b])
}

// cellsEnd returns where in line the x characters from offset i end, each
// counted as one cell with the SGR sequences before it, or -1 if an escape
// sequence has no end.
func cellsEnd(line string, i, x int) int {
	for x > 0 && i < len(line) {
		if line[i] == '\x1b' {
			e := strings.IndexByte(line[i:], 'm')
			if e < 0 {
				return -1
			}
			i += e + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		i, x = i+size, x-1
	}
	return i
}

// cut returns the cells of a row's line as drawn: what each column shows,
// the SGR sequences in it included, without the plain spaces around it. It
// returns false unless the line starts with the plain margin and shows the
// separator between two columns, every character counted as one cell.
func (l *liveTable) cut(line string) ([]string, bool) {
	cells := make([]string, 0, len(l.cols))
	i := 0
	take := func(x int) string { // the bytes of the next x cells
		j := cellsEnd(line, i, x)
		if j < 0 {
			return "\x1b"
		}
		s := line[i:j]
		i = j
		return s
	}
	if take(l.margin) != strings.Repeat(" ", l.margin) {
		return nil, false
	}
	for n, w := range l.cols {
		if n > 0 && take(1) != l.sep {
			return nil, false
		}
		cells = append(cells, strings.Trim(take(w), " "))
	}
	return cells, i == len(line)
}

// draw appends to dst the table's lines from its header to its last
// complete row, drawn from their cells in columns of widths cols.
func (l *liveTable) draw(dst []string, cols []int) []string {
	dst = append(dst, l.rowLine(l.cells[0], cols))
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", l.margin))
	for j, w := range cols {
		if j > 0 {
			b.WriteString(l.cross)
		}
		b.WriteString(strings.Repeat(l.rule, w))
	}
	dst = append(dst, trimLine(b.String()))
	for _, row := range l.cells[1:] {
		dst = append(dst, l.rowLine(row, cols))
	}
	return dst
}

// rowLine draws a row of cells in columns of widths cols, each aligned as
// its column is, between a cell of margin on each side.
func (l *liveTable) rowLine(cells []string, cols []int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", l.margin))
	for j, w := range cols {
		if j > 0 {
			b.WriteString(l.sep)
		}
		c := cells[j]
		gap := w - 2 - ansi.StringWidth(c)
		left := 0
		switch l.align[j] {
		case 'r':
			left = gap
		case 'c':
			left = gap / 2
		}
		b.WriteString(strings.Repeat(" ", left+1))
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", gap-left+1))
	}
	return trimLine(b.String())
}

// tableStyle returns how the engine shows the text of a table's cell:
// probes of a one-column table, whose row holds a word, or words in a
// span of each kind.
func (e *engine) tableStyle(opts Options) liveStyle {
	return probeOnce(liveKey{kind: 't', width: opts.Width, style: opts.Style}, func() (st liveStyle) {
		const lead = "| h |\n| - |\n| "
		cell := func(src string) []string {
			out, err := e.piece(true, "", src)
			if err != nil {
				return nil
			}
			lines := appendLines(nil, out)
			k := lastText(lines)
			if k < 2 || strings.Contains(ansi.Strip(lines[k-1]), liveProbe) {
				return nil
			}
			return []string{strings.Trim(lines[k], " ")}
		}
		one := cell(lead + liveProbe)
		if len(one) != 1 {
			return st
		}
		i := strings.Index(one[0], liveProbe)
		if i < 0 || strings.Count(one[0], liveProbe) != 1 {
			return st
		}
		st.first, st.post = one[0][:i], one[0][i+len(liveProbe):]
		st.pre = st.first
		if trailingSGR(st.pre) != st.pre || ansi.Strip(st.post) != "" || strings.Contains(st.post, " ") {
			return st
		}
		for kind, mark := range [spanKinds]string{"*", "**", "`"} {
			st.spans[kind] = st.probeSpan(lead, mark, cell)
		}
		st.ok = true
		return st
	})
}

// fresh sets the state for a table that starts the piece, from a probe: a
// table of two columns rendered once per width, style and partial line
// before it, in the table's place, whose lines before and after the
// table's, margin, separators, rule and width are the table's. The
// header's and the complete rows' cells are laid out from their text, as
// the rows after them are. It reports whether the state is set.
func (l *liveTable) fresh(r *Renderer, start int, piece string) bool {
	if !r.opts.Live || r.scan.open != nil || r.scan.poisoned || l.ok && l.start == start && strings.HasPrefix(piece, l.base) {
		return false
	}
	if at, ok := lastTable(piece); !ok || at != 0 {
		return false
	}
	src := strings.Split(strings.TrimRight(piece, "\n"), "\n")
	if len(src) < 2 || !strings.Contains(piece[len(src[0])+1:], "\n") {
		return false
	}
	align, ok := tableAlign(src[1])
	if !ok || len(splitRow(nil, src[0], -1)) != len(align) {
		return false // not a table: goldmark wants as many cells in the header
	}
	first, tail := r.doneEnd == 0, r.doneTail
	p := probeOnce(liveKey{kind: 'T', width: r.opts.Width, style: r.opts.Style, tail: tail, first: first}, func() *liveTable {
		out, err := r.eng.piece(first, tail, "| Probe | Probe |\n| --- | --- |\n| Probe | Probe |")
		if err != nil {
			return nil
		}
		lines := appendLines(nil, tail+out)
		var t liveTable
		k := lastText(lines)
		if k < 2 || !t.geometry(lines[k-1], 2) {
			return nil
		}
		t.sep = visibleAt(lines[k-2], t.margin+t.cols[0])
		head, ok1 := t.cut(lines[k-2])
		row, ok2 := t.cut(lines[k])
		if !ok1 || !ok2 || !slices.Equal(head, row) {
			return nil // a header's cells are not drawn as a row's
		}
		t.align, t.cells = []byte("ll"), [][]string{head, row}
		for i, line := range t.draw(nil, t.cols) {
			if line != lines[k-2+i] {
				return nil
			}
		}
		return &liveTable{margin: t.margin, sep: t.sep, rule: t.rule, cross: t.cross, width: t.width,
			lines: append(lines[:k-2:k-2], lines[k+1:]...), hdr: k - 2, tail: tailOf(tail + out)}
	})
	st := r.eng.tableStyle(r.opts)
	if p == nil || !st.ok {
		return false
	}
	l.ok, l.style, l.align = false, st, append(l.align[:0], align...)
	fixed, from := len(src)-2, len(piece)
	if fixed > 0 && !strings.HasSuffix(piece, "\n") {
		fixed, from = fixed-1, strings.LastIndexByte(piece, '\n')+1
	}
	l.cells = l.cells[:0]
	l.fixedW = append(l.fixedW[:0], make([]int, len(align))...)
	for _, line := range append(src[:1:1], src[2:2+fixed]...) {
		cells, ok := l.layOut(line)
		if !ok {
			return false
		}
		for j, c := range cells {
			l.fixedW[j] = max(l.fixedW[j], ansi.StringWidth(c))
		}
		l.cells = append(l.cells, slices.Clone(cells))
	}
	l.margin, l.sep, l.rule, l.cross, l.width, l.tail = p.margin, p.sep, p.rule, p.cross, p.width, p.tail
	l.lines = append(l.lines[:0], p.lines...) // the lines before the table's and after them
	l.hdr, l.end, l.cols = p.hdr, p.hdr, nil
	l.ok, l.start, l.base, l.from = true, start, piece[:from], from
	return true
}
