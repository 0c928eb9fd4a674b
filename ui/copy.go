package ui

import "strings"

// lastCodeBlock returns the contents of the last fenced code block of a
// markdown text, without its fences; a block left open runs to the end.
func lastCodeBlock(md string) string {
	var (
		last    string
		cur     []string
		fence   string // the opening fence while inside a block
		inBlock bool
	)
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if !inBlock {
			if f := fenceOf(trimmed); f != "" && len(line)-len(trimmed) < 4 {
				fence, inBlock, cur = f, true, cur[:0]
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" && f[0] == fence[0] && len(f) >= len(fence) &&
			strings.TrimSpace(trimmed[len(f):]) == "" {
			last, inBlock = strings.Join(cur, "\n"), false
			continue
		}
		cur = append(cur, line)
	}
	if inBlock {
		last = strings.Join(cur, "\n")
	}
	return last
}

// fenceOf returns the run of ``` or ~~~ (three or more) opening s, or "".
func fenceOf(s string) string {
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return s[:n]
}
