package ui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// copyAnswer copies the last answer, or its last code block, with OSC 52.
func (m *Model) copyAnswer(code bool) tea.Cmd {
	text := ""
	for i := len(m.turns) - 1; i >= 0 && text == ""; i-- {
		if a := m.turns[i].answer; a != nil {
			text = a.answerText()
		}
	}
	what := "answer"
	if code {
		text, what = lastCodeBlock(text), "code block"
	}
	if text == "" {
		m.flash = "no " + what + " to copy"
		return nil
	}
	m.flash = "copied the " + what + " (" + strconv.Itoa(len([]rune(text))) + " characters)"
	return tea.SetClipboard(text)
}

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
