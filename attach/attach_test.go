package attach

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// Small files with the signatures http.DetectContentType knows.
var (
	pngData  = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 24)...)
	jpegData = append([]byte("\xff\xd8\xff\xe0"), make([]byte, 24)...)
	gifData  = append([]byte("GIF89a"), make([]byte, 24)...)
	webpData = append([]byte("RIFF\x20\x00\x00\x00WEBPVP8 "), make([]byte, 24)...)
	bmpData  = append([]byte("BM"), make([]byte, 24)...)
	elfData  = append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 24)...)
)

// tree writes files (slash paths relative to dir) and returns dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func names(r Result) []string {
	var n []string
	for _, a := range r.Attachments {
		n = append(n, a.Name)
	}
	return n
}

func TestLoadFiles(t *testing.T) {
	dir := tree(t, map[string]string{
		"main.go":       "package main\n",
		"sub/notes.md":  "# notes",
		"shot.txt":      string(pngData), // an image, whatever its name
		"photo.jpg":     string(jpegData),
		"anim.gif":      string(gifData),
		"pic.webp":      string(webpData),
		"unicode.txt":   "héllo wörld",
		"empty.txt":     "",
		"sub/again.txt": "again",
	})
	r, err := Load([]string{"main.go", "sub/notes.md", "shot.txt", "photo.jpg", "anim.gif", "pic.webp", "unicode.txt", "./main.go", "empty.txt", filepath.Join(dir, "sub", "again.txt")}, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, media string }{
		{"main.go", "text/plain"}, {"sub/notes.md", "text/plain"}, {"shot.txt", "image/png"},
		{"photo.jpg", "image/jpeg"}, {"anim.gif", "image/gif"}, {"pic.webp", "image/webp"},
		{"unicode.txt", "text/plain"}, {"empty.txt", "text/plain"}, {"sub/again.txt", "text/plain"},
	}
	if len(r.Attachments) != len(want) {
		t.Fatalf("attached %v, want %d files", names(r), len(want))
	}
	for i, w := range want {
		a := r.Attachments[i]
		if a.Name != w.name || a.MediaType != w.media {
			t.Errorf("attachment %d is %s (%s), want %s (%s)", i, a.Name, a.MediaType, w.name, w.media)
		}
	}
	if string(r.Attachments[0].Data) != "package main\n" || !bytes.Equal(r.Attachments[2].Data, pngData) {
		t.Errorf("data not as on disk: %q, %q", r.Attachments[0].Data, r.Attachments[2].Data)
	}
	if len(r.Skipped) != 0 {
		t.Errorf("skipped %v", r.Skipped)
	}
}

// TestLoadNameOutsideWorkingDir checks that a file above the working
// directory is named relative to it.
func TestLoadNameOutsideWorkingDir(t *testing.T) {
	dir := tree(t, map[string]string{"a/b/x.txt": "x", "c/y.txt": "y"})
	r, err := Load([]string{"../../c/y.txt"}, filepath.Join(dir, "a", "b"), Limits{})
	if err != nil || len(r.Attachments) != 1 || r.Attachments[0].Name != "../../c/y.txt" {
		t.Fatalf("got %v, %v", names(r), err)
	}
}

func TestLoadFolder(t *testing.T) {
	dir := tree(t, map[string]string{
		"src/.gitignore":          "*.log\n/build/\ndocs/**/draft*\n!keep.log\ntmp\n# a comment\n\n",
		"src/main.go":             "package main",
		"src/app.log":             "noise",
		"src/keep.log":            "kept",
		"src/build/out.txt":       "built",
		"src/lib/build/gen.go":    "package build", // /build/ is anchored to src
		"src/docs/a/b/draft1.md":  "draft",
		"src/docs/a/final.md":     "final",
		"src/tmp/x.txt":           "tmp folder",
		"src/lib/tmp":             "tmp file",
		"src/lib/.gitignore":      "*.go\n!keep.go\n",
		"src/lib/keep.go":         "package keep",
		"src/lib/drop.go":         "package drop",
		"src/.hidden/secret.txt":  "hidden folder",
		"src/.env":                "KEY=hidden file",
		"src/bin/tool":            string(elfData),
		"src/img/logo.png":        string(pngData),
		"src/big.txt":             strings.Repeat("x", 2000),
		"src/z/last.txt":          "last",
		"src/lib/sub/.gitignore":  "!drop2.go\n",
		"src/lib/sub/drop2.go":    "package sub", // re-included deeper
		"src/lib/sub/nested.json": "{}",
	})
	r, err := Load([]string{"src"}, dir, Limits{File: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"src/docs/a/final.md", "src/keep.log", "src/lib/keep.go", "src/lib/sub/drop2.go", "src/lib/sub/nested.json", "src/main.go", "src/z/last.txt"}
	if got := names(r); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("attached\n%v\nwant\n%v", got, want)
	}
	skipped := map[string]string{}
	for _, s := range r.Skipped {
		skipped[s.Name] = s.Why
	}
	wantSkips := map[string]string{"src/big.txt": "over 1000 B", "src/bin/tool": "binary", "src/img/logo.png": "an image: attach it by name"}
	if len(skipped) != len(wantSkips) {
		t.Errorf("skipped %v, want %v", skipped, wantSkips)
	}
	for n, why := range wantSkips {
		if skipped[n] != why {
			t.Errorf("%s skipped as %q, want %q", n, skipped[n], why)
		}
	}
	if s := r.Summary(); !strings.HasPrefix(s, "skipped src/big.txt (over 1000 B), src/bin/tool (binary), ") {
		t.Errorf("summary %q", s)
	}
}

// TestLoadFolderInWorkTree checks that the .gitignore files above the
// folder, up to the top of its git work tree, apply inside it.
func TestLoadFolderInWorkTree(t *testing.T) {
	dir := tree(t, map[string]string{
		"repo/.git/HEAD":          "ref: refs/heads/main",
		"repo/.gitignore":         "*.tmp\n/pkg/gen/\n",
		"repo/pkg/.gitignore":     "secret.txt\n",
		"repo/pkg/a.go":           "package pkg",
		"repo/pkg/b.tmp":          "temp",
		"repo/pkg/secret.txt":     "secret",
		"repo/pkg/gen/g.go":       "package gen",
		"repo/pkg/inner/gen/h.go": "package gen", // /pkg/gen/ is anchored at the top
		"above.gitignore":         "",
	})
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.go\n"), 0o644) // outside the work tree: not read
	r, err := Load([]string{"repo/pkg"}, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(r), " "); got != "repo/pkg/a.go repo/pkg/inner/gen/h.go" {
		t.Errorf("attached %s", got)
	}
}

func TestLoadFolderTotal(t *testing.T) {
	dir := tree(t, map[string]string{"d/a.txt": strings.Repeat("a", 600), "d/b.txt": strings.Repeat("b", 600), "d/c.txt": "c"})
	r, err := Load([]string{"d"}, dir, Limits{Total: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(r), " "); got != "d/a.txt d/c.txt" {
		t.Errorf("attached %s", got)
	}
	if len(r.Skipped) != 1 || r.Skipped[0] != (Skip{"d/b.txt", "over 1000 B in all"}) {
		t.Errorf("skipped %v", r.Skipped)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := tree(t, map[string]string{
		"tool":        string(elfData),
		"pic.bmp":     string(bmpData),
		"big.txt":     strings.Repeat("x", 2048),
		"big.png":     string(pngData) + strings.Repeat("x", 5000),
		"a.txt":       strings.Repeat("a", 3000),
		"b.txt":       strings.Repeat("b", 3000),
		"bins/x.bin":  string(elfData),
		"empty/.keep": "",
		"latin1.txt":  "caf\xe9",
	})
	lim := Limits{File: 1 << 10, Image: 4 << 10, Total: 5 << 10}
	cases := []struct {
		paths []string
		want  string
	}{
		{[]string{"nope.txt"}, "cannot attach nope.txt: no such file or folder"},
		{[]string{"tool"}, "cannot attach tool: a binary file, neither text nor an image (PNG, JPEG, GIF, WebP)"},
		{[]string{"latin1.txt"}, "cannot attach latin1.txt: a binary file, neither text nor an image (PNG, JPEG, GIF, WebP)"},
		{[]string{"pic.bmp"}, "cannot attach pic.bmp: image/bmp is not an image type that models take (PNG, JPEG, GIF, WebP)"},
		{[]string{"big.txt"}, "cannot attach big.txt: 2 KiB is over the limit of 1 KiB for a text file (attach.max_file)"},
		{[]string{"big.png"}, "cannot attach big.png: 4.9 KiB is over the limit of 4 KiB for an image (attach.max_image)"},
		{[]string{"bins"}, "nothing to attach from bins: skipped bins/x.bin (binary)"},
		{[]string{"empty"}, "nothing to attach from empty: skipped empty (a folder with no text files)"},
	}
	for _, c := range cases {
		_, err := Load(c.paths, dir, lim)
		if err == nil || err.Error() != c.want {
			t.Errorf("Load(%v): %v, want %q", c.paths, err, c.want)
		}
	}
	_, err := Load([]string{"a.txt", "b.txt"}, dir, Limits{File: 4 << 10, Total: 5 << 10})
	if want := "cannot attach b.txt: the attachments would come to 5.9 KiB, over the limit of 5 KiB in all (attach.max_total)"; err == nil || err.Error() != want {
		t.Errorf("total: %v, want %q", err, want)
	}
}

// TestLoadPipe checks that a pipe given by name, as the shell gives
// -a <(git diff), is read.
func TestLoadPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))
	if _, err := os.Stat(path); err != nil {
		w.Close()
		t.Skip("no /proc/self/fd here")
	}
	go func() {
		w.WriteString("diff --git a/x b/x\n")
		w.Close()
	}()
	res, err := Load([]string{path}, t.TempDir(), Limits{})
	if err != nil || len(res.Attachments) != 1 || string(res.Attachments[0].Data) != "diff --git a/x b/x\n" {
		t.Fatalf("got %v, %v", res, err)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
