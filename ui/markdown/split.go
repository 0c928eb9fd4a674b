package markdown

import "strings"

// scanner finds, line by line, the places where a growing markdown text can
// be cut into pieces that render independently: a cut is allowed only before
// a line that starts a new top-level block which nothing before it can still
// reach. It reads each complete line once, so its cost is linear in the text.
//
// It is deliberately conservative. It cuts only after a blank line, before a
// line that starts in column 0 (so it cannot continue a list item or an
// indented code block), is not another item of a list that may still be open,
// and is not a definition-list description. It follows fenced code blocks and
// HTML blocks, which may contain blank lines, including those inside list
// items and block quotes. When it meets something it cannot follow for sure,
// it stops cutting for good (poisoned), and when the text may hold a link
// reference definition, which goldmark resolves across the whole document,
// it asks for a full render (refDefs).
type scanner struct {
	open      *container // fenced code or HTML block being read, or nil
	maybeHTML bool       // a line that may start an HTML block of kind 6 or 7, until the next blank line
	started   bool       // a non-blank line has been read
	prevBlank bool       // the previous line was blank, after a non-blank one
	listOpen  bool       // the current piece may end inside a list
	defList   bool       // the current piece may hold a definition list
	poisoned  bool       // no cut is safe any more
	refDefs   bool       // the text may hold a link reference definition
}

// container is an open fenced code block or HTML block.
type container struct {
	prefix string // what every line inside must start with: spaces and '>' markers
	fence  byte   // '`' or '~' for a fence; 0 for an HTML block
	n      int    // fence length
	end    string // for an HTML block: the text that closes it
}

// line reads the next complete line (without its newline) and reports
// whether the text may be cut just before it.
func (s *scanner) line(l string) (cut bool) {
	if s.open != nil {
		s.inContainer(l)
		return false
	}
	if isBlank(l) {
		// Blank lines before the first block are not a boundary: the
		// first block must stay the first of its piece.
		s.prevBlank, s.maybeHTML = s.started, false
		return false
	}
	s.started = true
	cut = s.prevBlank && !s.poisoned && !s.refDefs && s.canStart(l)
	if cut {
		s.listOpen, s.defList = false, false
	}
	s.prevBlank = false
	s.ground(l)
	return cut
}

// cutBefore reports whether the text may be cut before l, the incomplete
// line that follows the lines read so far. It decides only when l's first
// character settles it (a letter, say), and changes no state: line reads l
// again once it is complete.
func (s *scanner) cutBefore(l string) bool {
	if s.open != nil || !s.prevBlank || s.poisoned || s.refDefs || l == "" {
		return false
	}
	if strings.IndexByte(" \t:-*+#>`~<|", l[0]) >= 0 {
		return false // may be a list item, a definition, a fence, raw HTML…
	}
	if l[0] >= '0' && l[0] <= '9' && s.listOpen {
		return false // may be the next item of a numbered list
	}
	// A line that starts with a digit is a paragraph or starts a numbered
	// list: either way a block of its own when no list is open.
	return s.canStart(l)
}

// canStart reports whether a non-blank line after a blank line starts a
// top-level block that is independent of what precedes it.
func (s *scanner) canStart(l string) bool {
	switch {
	case l[0] == ' ' || l[0] == '\t':
		return false // may continue a list item or an indented code block
	case s.maybeHTML:
		return false
	case isDefinition(l):
		return false // attaches to the paragraph before it
	case s.listOpen && listMarker(l) > 0:
		return false // may be the next item of the same list
	case s.defList:
		// A paragraph after a definition list joins it if a description
		// follows; headings, quotes and fences do not.
		return isATXHeading(l) || l[0] == '>' || fenceOpen(l) != nil
	}
	return true
}

// ground reads a non-blank line outside any fenced code or HTML block.
func (s *scanner) ground(l string) {
	if strings.Contains(l, "]:") {
		s.refDefs = true
	}
	prefix, rest := splitPrefix(l)
	if c := fenceOpen(rest); c != nil {
		if s.maybeHTML {
			s.poisoned = true // a fence, or raw HTML that merely looks like one
		}
		c.prefix = continuation(prefix)
		s.open = c
		return
	}
	if strings.HasPrefix(rest, "<") {
		if end := htmlEnd(rest); end != "" {
			if s.maybeHTML {
				s.poisoned = true
			}
			if !htmlEnded(strings.ToLower(rest), end) {
				s.open = &container{prefix: continuation(prefix), end: end}
			}
			return
		}
		s.maybeHTML = true
	}
	if listMarker(strings.TrimLeft(l, " ")) > 0 || strings.ContainsAny(prefix, "-+*.)") {
		s.listOpen = true
	}
	if isDefinition(l) {
		s.defList = true
	}
}

// inContainer reads a line inside an open fenced code or HTML block.
func (s *scanner) inContainer(l string) {
	c := s.open
	inQuote := strings.Contains(c.prefix, ">")
	var body string
	switch {
	case strings.HasPrefix(l, c.prefix):
		body = l[len(c.prefix):]
	case isBlank(l) || (inQuote && isBlank(strings.TrimRight(strings.TrimLeft(l, " >"), " \t")) && strings.HasPrefix(c.prefix, strings.TrimRight(l, " \t"))):
		if inQuote && isBlank(l) {
			// A blank line ends the block quote and everything in it.
			s.open = nil
			s.prevBlank, s.maybeHTML = true, false
		}
		return
	case inQuote && !strings.HasPrefix(strings.TrimLeft(l, " "), ">"):
		// A line without '>' ends the quote: fenced code and HTML blocks
		// take no lazy continuation lines.
		s.open = nil
		_ = s.line(l)
		return
	default:
		// Less indented than the block: it may have ended with a list item,
		// or not. We cannot tell without a full parse.
		s.poisoned = true
		return
	}
	if c.fence != 0 {
		if fenceClose(body, c) {
			s.open = nil
		}
		return
	}
	if htmlEnded(strings.ToLower(body), c.end) {
		s.open = nil
	}
}

// splitPrefix splits l into its container prefix (indentation, '>' markers
// and list markers) and the rest.
func splitPrefix(l string) (prefix, rest string) {
	i := 0
	for i < len(l) {
		switch {
		case l[i] == ' ':
			i++
		case l[i] == '>':
			i++
		default:
			n := listMarker(l[i:])
			if n == 0 {
				return l[:i], l[i:]
			}
			i += n
		}
	}
	return l, ""
}

// continuation turns the prefix of a block's first line into the prefix its
// other lines carry: list markers become spaces of the same width.
func continuation(prefix string) string {
	b := []byte(prefix)
	for i, c := range b {
		if c != '>' {
			b[i] = ' '
		}
	}
	return string(b)
}

// listMarker returns the width of a list marker with its following space at
// the start of l ("- ", "* ", "+ ", "12. ", "3) "), or 0.
func listMarker(l string) int {
	i := 0
	for i < len(l) && i < 9 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	switch {
	case i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')'):
		i++
	case i == 0 && len(l) > 0 && (l[0] == '-' || l[0] == '*' || l[0] == '+'):
		i++
	default:
		return 0
	}
	if i == len(l) {
		return i // an empty item
	}
	if l[i] != ' ' && l[i] != '\t' {
		return 0
	}
	return i + 1
}

// fenceOpen returns the fence opened by l (after its container prefix), or
// nil. Indentation is part of the prefix, so l starts with the fence itself.
func fenceOpen(l string) *container {
	if len(l) < 3 || (l[0] != '`' && l[0] != '~') {
		return nil
	}
	n := 0
	for n < len(l) && l[n] == l[0] {
		n++
	}
	if n < 3 || (l[0] == '`' && strings.IndexByte(l[n:], '`') >= 0) {
		return nil
	}
	return &container{fence: l[0], n: n}
}

// fenceClose reports whether body (a line inside c, without c's prefix)
// closes the fence c.
func fenceClose(body string, c *container) bool {
	t := strings.TrimLeft(body, " ")
	if len(body)-len(t) > 3 {
		return false
	}
	n := 0
	for n < len(t) && t[n] == c.fence {
		n++
	}
	return n >= c.n && isBlank(t[n:])
}

// anyRawEnd stands for the end tags of the HTML blocks of kind 1.
const anyRawEnd = "</script>|</pre>|</style>|</textarea>"

// htmlEnded reports whether line (lower case) ends an HTML block that ends
// at end.
func htmlEnded(line, end string) bool {
	if end == anyRawEnd {
		for _, e := range strings.Split(anyRawEnd, "|") {
			if strings.Contains(line, e) {
				return true
			}
		}
		return false
	}
	return strings.Contains(line, end)
}

// htmlEnd returns, for a line that starts an HTML block of kinds 1 to 5 in
// CommonMark's terms, the (lower-case) text that ends the block; otherwise "".
func htmlEnd(l string) string {
	low := strings.ToLower(l)
	for _, tag := range []string{"script", "pre", "style", "textarea"} {
		if strings.HasPrefix(low[1:], tag) {
			after := low[1+len(tag):]
			if after == "" || after[0] == ' ' || after[0] == '\t' || after[0] == '>' || strings.HasPrefix(after, "/>") {
				return anyRawEnd // goldmark ends it at any of the four end tags
			}
		}
	}
	switch {
	case strings.HasPrefix(low, "<!--"):
		return "-->"
	case strings.HasPrefix(low, "<?"):
		return "?>"
	case strings.HasPrefix(low, "<![cdata["):
		return "]]>"
	case len(l) > 2 && l[1] == '!' && l[2] >= 'A' && l[2] <= 'Z': // upper case only, as goldmark
		return ">"
	}
	return ""
}

// isDefinition reports whether l may be a definition-list description.
func isDefinition(l string) bool {
	t := strings.TrimLeft(l, " ")
	return len(l)-len(t) <= 3 && len(t) >= 2 && t[0] == ':' && (t[1] == ' ' || t[1] == '\t')
}

// isBlank reports whether l holds only spaces and tabs.
func isBlank(l string) bool {
	return strings.Trim(l, " \t") == ""
}

// isATXHeading reports whether l (starting in column 0) is an ATX heading.
func isATXHeading(l string) bool {
	n := 0
	for n < len(l) && l[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(l) || l[n] == ' ' || l[n] == '\t')
}
