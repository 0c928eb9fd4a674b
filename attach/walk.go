package attach

import (
	"os"
	"path"
	"path/filepath"
	"strings"
)

// folder attaches the text files under the folder at abs, in lexical
// order, leaving out hidden files and folders, .gitignored paths, and
// files that are not text or are over the limits (reported as skipped).
func (l *loader) folder(abs string) error {
	return l.walk(abs, "", l.outerIgnores(abs))
}

// walk attaches what is in the folder at abs, rel its slash path from the
// walked root ("" for the root), with the .gitignore files above it in ig.
func (l *loader) walk(abs, rel string, ig ignorer) error {
	ig = ig.with(abs, ignoreFile{dir: rel})
	entries, err := os.ReadDir(abs)
	if err != nil {
		if rel == "" {
			return err
		}
		l.skip(abs, "unreadable folder")
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // hidden: .git, .env, .cache...
		}
		childAbs, childRel := filepath.Join(abs, name), path.Join(rel, name)
		info, err := os.Stat(childAbs) // through a link to a file
		if err != nil {
			continue // a dangling link, a file gone since the listing
		}
		isDir := info.IsDir()
		if ig.ignored(childRel, isDir) {
			continue
		}
		switch {
		case isDir && e.Type()&os.ModeSymlink != 0:
			// Not followed, so that a link to a parent cannot loop.
		case isDir:
			if err := l.walk(childAbs, childRel, ig); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			l.file(childAbs, info)
		}
		// Sockets, pipes and devices in a folder are left alone: reading
		// a pipe could block.
	}
	return nil
}

// file attaches one file met in a folder, or records why not.
func (l *loader) file(abs string, info os.FileInfo) {
	if l.seen[abs] {
		return
	}
	if l.total+info.Size() > l.lim.Total {
		l.skip(abs, "over "+Size(l.lim.Total)+" in all") // known without reading it
		return
	}
	a, no, err := l.read(abs, info, true)
	switch {
	case err != nil:
		l.skip(abs, "unreadable")
	case no != nil:
		l.skip(abs, no.short)
	default:
		l.add(abs, a)
	}
}

func (l *loader) skip(abs, why string) {
	l.res.Skipped = append(l.res.Skipped, Skip{Name: l.name(abs), Why: why})
}

// outerIgnores returns the .gitignore files above root that apply to it:
// those of the folders up to the top of the git work tree it is in, if it
// is in one (a folder with a .git entry); none otherwise.
func (l *loader) outerIgnores(root string) ignorer {
	var dirs []string
	for dir := root; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil // not in a work tree
		}
		dir = parent
		dirs = append(dirs, dir)
	}
	var ig ignorer
	for i := len(dirs) - 1; i >= 0; i-- { // the top first
		up, err := filepath.Rel(dirs[i], root)
		if err != nil {
			return nil
		}
		ig = ig.with(dirs[i], ignoreFile{up: filepath.ToSlash(up)})
	}
	return ig
}
