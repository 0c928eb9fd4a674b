package attach

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// The patterns of .gitignore files, as git reads them (gitignore(5)),
// with the standard library's path.Match for each segment: a pattern
// with a slash before its end is anchored to its file's folder, one
// without matches a name at any depth; a trailing slash matches folders
// only; "**" as a whole segment matches any number of folders; "!"
// re-includes; a later pattern wins over an earlier one, and a deeper
// file's patterns over a shallower one's. An excluded folder is not
// entered, so nothing under it can be re-included, as in git.

// rule is one pattern of a .gitignore file.
type rule struct {
	segs    []string // the pattern split at "/", for path.Match each
	negate  bool     // "!pattern": re-include
	dirOnly bool     // "pattern/": folders only
	// anchored patterns match the whole path from base; others the last
	// element, at any depth.
	anchored bool
}

// ignoreFile is the rules of one .gitignore file and where it is: a
// folder inside the walked root, as a slash path relative to it (dir, ""
// for the root itself), or a folder above the root, which the root's
// slash path relative to it (up) places.
type ignoreFile struct {
	dir, up string
	rules   []rule
}

// parseIgnore reads the rules of a .gitignore file's content.
func parseIgnore(data []byte) []rule {
	var rules []rule
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		line = trimTrailingSpaces(line)
		if line == "" || line[0] == '#' {
			continue
		}
		var r rule
		if line[0] == '!' {
			r.negate, line = true, line[1:]
		} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		r.anchored = strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		// git writes a negated class [!a]; path.Match wants [^a].
		line = strings.ReplaceAll(line, "[!", "[^")
		for _, seg := range strings.Split(line, "/") {
			if seg == "**" && len(r.segs) > 0 && r.segs[len(r.segs)-1] == "**" {
				continue // "**/**" is "**", and costs less to match
			}
			r.segs = append(r.segs, seg)
		}
		rules = append(rules, r)
	}
	return rules
}

// trimTrailingSpaces drops the spaces at the end of a line unless a
// backslash escapes them.
func trimTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// match reports whether the rule matches rel, the slash path of a file or
// folder relative to the rule's .gitignore folder.
func (r rule) match(rel string, isDir bool) bool {
	if r.dirOnly && !isDir {
		return false
	}
	parts := strings.Split(rel, "/")
	if !r.anchored {
		return len(r.segs) == 1 && segMatch(r.segs[0], parts[len(parts)-1])
	}
	return matchSegs(r.segs, parts)
}

// matchSegs matches pattern segments against path elements, "**" standing
// for any number of elements (none included).
func matchSegs(segs, parts []string) bool {
	for len(segs) > 0 {
		if segs[0] == "**" {
			rest := segs[1:]
			if len(rest) == 0 {
				return len(parts) > 0 // "a/**" matches what is inside a
			}
			for i := 0; i <= len(parts); i++ {
				if matchSegs(rest, parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 || !segMatch(segs[0], parts[0]) {
			return false
		}
		segs, parts = segs[1:], parts[1:]
	}
	return len(parts) == 0
}

// segMatch matches one element; a malformed pattern matches nothing.
func segMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return ok && err == nil
}

// ignorer holds the .gitignore files that apply at a point of a walk, the
// shallowest first.
type ignorer []ignoreFile

// ignored reports whether rel (a slash path relative to the walked root)
// is excluded: the last rule that matches it decides.
func (ig ignorer) ignored(rel string, isDir bool) bool {
	ignored := false
	for _, f := range ig {
		sub := rel
		switch {
		case f.up != "":
			sub = f.up + "/" + rel
		case f.dir != "":
			s, ok := strings.CutPrefix(rel, f.dir+"/")
			if !ok {
				continue
			}
			sub = s
		}
		for _, r := range f.rules {
			if r.negate == ignored && r.match(sub, isDir) {
				ignored = !r.negate
			}
		}
	}
	return ignored
}

// with returns ig and the .gitignore in the folder at path dir, if it has
// one; f gives its place (dir and up) without rules.
func (ig ignorer) with(dir string, f ignoreFile) ignorer {
	data, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil {
		return ig
	}
	rules := parseIgnore(data)
	if len(rules) == 0 {
		return ig
	}
	f.rules = rules
	return append(ig[:len(ig):len(ig)], f)
}
