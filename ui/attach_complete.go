package ui

import (
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// completedMsg is the completion of the attach prompt's value from, as a
// shell completes a path: value is the completed path, matches the
// candidates when several match, miss why none did.
type completedMsg struct {
	from, value string
	matches     []string
	miss        string
}

// completePath completes value, read off the event loop: the folder may
// be slow to list.
func (m *Model) completePath(value string) tea.Cmd {
	wd := m.workDir()
	return func() tea.Msg { return complete(value, wd) }
}

// completed applies a completion, unless the prompt changed meanwhile.
func (m *Model) completed(msg completedMsg) {
	if m.mode != modeAttach || m.att.prompt.Value() != msg.from {
		return
	}
	m.att.prompt.SetValue(msg.value)
	m.att.prompt.CursorEnd()
	m.att.matches, m.att.miss = msg.matches, msg.miss
	m.fitInput()
}

// complete completes the last element of path, relative to wd unless it
// is absolute, with the names in its folder that begin with it: the one
// name when one does (a folder's with a "/" after it), else as much as
// they share, and the names. Hidden names are offered only for a prefix
// that starts with a dot.
func complete(path, wd string) completedMsg {
	out := completedMsg{from: path, value: path}
	dir, prefix := path[:strings.LastIndex(path, "/")+1], path[strings.LastIndex(path, "/")+1:]
	folder := dir
	if folder == "" {
		folder = "."
	}
	if !filepath.IsAbs(folder) {
		folder = filepath.Join(wd, folder)
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		out.miss = "no folder " + dir
		return out
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".")) {
			continue
		}
		if isFolder(folder, e) {
			name += "/"
		}
		out.matches = append(out.matches, name)
	}
	switch len(out.matches) {
	case 0:
		out.miss = "nothing matches"
	case 1:
		out.value, out.matches = dir+out.matches[0], nil
	default:
		out.value = dir + commonPrefix(out.matches)
	}
	return out
}

// isFolder reports whether e, in folder, is a folder or a link to one.
func isFolder(folder string, e os.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	info, err := os.Stat(filepath.Join(folder, e.Name()))
	return err == nil && info.IsDir()
}

// commonPrefix is the longest prefix that all of names share, cut at a
// character's boundary.
func commonPrefix(names []string) string {
	p := names[0]
	for _, n := range names[1:] {
		i := 0
		for i < len(p) && i < len(n) && p[i] == n[i] {
			i++
		}
		p = p[:i]
	}
	for !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	return p
}
