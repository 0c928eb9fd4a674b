// Package attach turns the paths given with -a into the attachments of a
// message: a text file as it is, a folder's text files (recursively,
// leaving out hidden and .gitignored paths, binaries and files over the
// limits), or an image (PNG, JPEG, GIF, WebP, known by its content).
//
// A path given by name must be attached whole, or it is an error that
// names it and the limit; what a folder leaves out is reported as a Skip,
// and it is an error only when nothing at all is left to attach.
package attach

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parley-chat/parley/provider"
)

// Limits bound what is attached, in bytes. A zero field takes its value
// from Defaults.
type Limits struct {
	File  int64 // a text file
	Image int64 // an image
	Total int64 // everything attached to one message
}

// Defaults are the limits when the config sets none: text files up to
// 1 MiB, images up to 10 MiB, 20 MiB in all.
var Defaults = Limits{File: 1 << 20, Image: 10 << 20, Total: 20 << 20}

// Config keys of the limits, named in errors so that the user knows what
// to raise.
const (
	keyFile  = "attach.max_file"
	keyImage = "attach.max_image"
	keyTotal = "attach.max_total"
)

// Images are the image types that go to models, by media type.
var Images = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// Skip is a file that a folder left out, and why.
type Skip struct {
	Name string // relative to the working directory
	Why  string // "binary", "over the 1 MiB limit for a text file"...
}

// Result is what Load attached and what it left out.
type Result struct {
	Attachments []provider.Attachment
	Skipped     []Skip
}

// Load reads the paths, in the order given, relative to the working
// directory wd. Folders are walked in lexical order. A file reached twice
// is attached once.
func Load(paths []string, wd string, lim Limits) (Result, error) {
	l := &loader{wd: wd, lim: lim.withDefaults(), seen: map[string]bool{}}
	for _, p := range paths {
		if err := l.load(p); err != nil {
			return Result{}, err
		}
	}
	if len(l.res.Attachments) == 0 && len(paths) > 0 {
		return Result{}, fmt.Errorf("nothing to attach from %s: %s", strings.Join(paths, ", "), l.res.Summary())
	}
	return l.res, nil
}

func (lim Limits) withDefaults() Limits {
	if lim.File <= 0 {
		lim.File = Defaults.File
	}
	if lim.Image <= 0 {
		lim.Image = Defaults.Image
	}
	if lim.Total <= 0 {
		lim.Total = Defaults.Total
	}
	return lim
}

type loader struct {
	wd    string
	lim   Limits
	seen  map[string]bool // absolute paths already attached
	total int64
	res   Result
}

// load attaches one path as the user gave it.
func (l *loader) load(p string) error {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(l.wd, p)
	}
	abs = filepath.Clean(abs)
	info, err := os.Stat(abs)
	if err != nil {
		return pathError(p, err)
	}
	if info.IsDir() {
		attached, skipped := len(l.res.Attachments), len(l.res.Skipped)
		if err := l.folder(abs); err != nil {
			return pathError(p, err)
		}
		if len(l.res.Attachments) == attached && len(l.res.Skipped) == skipped {
			l.res.Skipped = append(l.res.Skipped, Skip{Name: l.name(abs), Why: "a folder with no text files"})
		}
		return nil
	}
	if l.seen[abs] {
		return nil
	}
	a, no, err := l.read(abs, info, false)
	if err != nil {
		return pathError(p, err)
	}
	if no != nil {
		return fmt.Errorf("cannot attach %s: %s", p, no.long)
	}
	if l.total+int64(len(a.Data)) > l.lim.Total {
		return fmt.Errorf("cannot attach %s: the attachments would come to %s, over the limit of %s in all (%s)",
			p, Size(l.total+int64(len(a.Data))), Size(l.lim.Total), keyTotal)
	}
	l.add(abs, a)
	return nil
}

func (l *loader) add(abs string, a provider.Attachment) {
	l.seen[abs] = true
	l.total += int64(len(a.Data))
	l.res.Attachments = append(l.res.Attachments, a)
}

// name is abs as the user sees it: relative to the working directory when
// that can be said, with forward slashes.
func (l *loader) name(abs string) string {
	if rel, err := filepath.Rel(l.wd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// refusal says why a file cannot be attached: in full, for a path given
// by name, and in a word or two, for a file that a folder skips.
type refusal struct{ long, short string }

// read reads the file at abs and tells what it is; a refusal says why it
// cannot be attached (a binary, an unsupported image, over a limit), err
// is an error reading it.
// With textOnly (a file met in a folder), an image is refused before it is
// read whole.
func (l *loader) read(abs string, info fs.FileInfo, textOnly bool) (provider.Attachment, *refusal, error) {
	a := provider.Attachment{Name: l.name(abs)}
	f, err := os.Open(abs)
	if err != nil {
		return a, nil, err
	}
	defer f.Close()
	head := make([]byte, 512) // what DetectContentType looks at
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return a, nil, err
	}
	head = head[:n]
	ct := http.DetectContentType(head)
	image := slices.Contains(Images, ct)
	switch {
	case image && textOnly:
		return a, &refusal{"an image", "an image: attach it by name"}, nil
	case image:
		a.MediaType = ct
	case strings.HasPrefix(ct, "image/"):
		return a, &refusal{ct + " is not an image type that models take (PNG, JPEG, GIF, WebP)", "unsupported image"}, nil
	case !isText(head, true):
		return a, &refusal{"a binary file, neither text nor an image (PNG, JPEG, GIF, WebP)", "binary"}, nil
	default:
		a.MediaType = provider.MediaText
	}
	limit, key, what := l.lim.File, keyFile, "a text file"
	if image {
		limit, key, what = l.lim.Image, keyImage, "an image"
	}
	tooLarge := func(size string) *refusal {
		return &refusal{fmt.Sprintf("%s is over the limit of %s for %s (%s)", size, Size(limit), what, key), "over " + Size(limit)}
	}
	if info.Mode().IsRegular() && info.Size() > limit {
		return a, tooLarge(Size(info.Size())), nil
	}
	// A pipe (-a <(git diff)) has no size: read one byte past the limit.
	rest, err := io.ReadAll(io.LimitReader(f, limit+1-int64(n)))
	if err != nil {
		return a, nil, err
	}
	data := append(head, rest...)
	if int64(len(data)) > limit {
		return a, tooLarge("more than " + Size(limit)), nil
	}
	if !image && !isText(data, false) {
		return a, &refusal{"a binary file, neither text nor an image (PNG, JPEG, GIF, WebP)", "binary"}, nil
	}
	a.Data = data
	return a, nil, nil
}

// isText reports whether data reads as text: valid UTF-8 without a NUL
// byte in its first 8000 bytes (git's test for a binary file). With cut,
// data is the head of a longer file, which may end inside a character.
func isText(data []byte, cut bool) bool {
	if slices.Contains(data[:min(len(data), 8000)], 0) {
		return false
	}
	if cut {
		for i := 0; i < utf8.UTFMax && len(data) > 0 && !utf8.Valid(data); i++ {
			data = data[:len(data)-1]
		}
	}
	return utf8.Valid(data)
}

// pathError is err, from reading p, in one line that names p as given.
func pathError(p string, err error) error {
	var why string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		why = "permission denied"
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		why = err.Error()
	}
	return fmt.Errorf("cannot attach %s: %s", p, why)
}

// Summary says in one line what was skipped and why, the first few by
// name: "skipped a.bin (binary), big.log (over 1 MiB), and 3 more".
func (r Result) Summary() string {
	if len(r.Skipped) == 0 {
		return "nothing found"
	}
	const shown = 4
	parts := make([]string, 0, shown+1)
	for i, s := range r.Skipped {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(r.Skipped)-shown))
			break
		}
		parts = append(parts, s.Name+" ("+s.Why+")")
	}
	return "skipped " + strings.Join(parts, ", ")
}
