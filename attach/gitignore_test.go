package attach

import (
	"strings"
	"testing"
)

// TestIgnoreRules checks patterns against paths as git matches them
// (gitignore(5)); each case is one .gitignore at the root of the walk.
func TestIgnoreRules(t *testing.T) {
	cases := []struct {
		rules string
		path  string
		dir   bool
		want  bool
	}{
		{"*.log", "a.log", false, true},
		{"*.log", "deep/er/a.log", false, true},
		{"*.log", "a.logx", false, false},
		{"build/", "build", true, true},
		{"build/", "build", false, false}, // folders only
		{"build/", "x/build", true, true}, // no inner slash: any depth
		{"/build", "build", false, true},
		{"/build", "x/build", false, false}, // anchored
		{"doc/frotz", "doc/frotz", true, true},
		{"doc/frotz", "a/doc/frotz", true, false}, // an inner slash anchors
		{"**/foo", "foo", false, true},
		{"**/foo", "a/b/foo", false, true},
		{"**/foo/bar", "x/foo/bar", false, true},
		{"abc/**", "abc/x/y", false, true},
		{"abc/**", "abc", true, false},
		{"a/**/b", "a/b", false, true},
		{"a/**/b", "a/x/y/b", false, true},
		{"a/**/b", "a/x/c", false, false},
		{"*.txt\n!keep.txt", "keep.txt", false, false},
		{"*.txt\n!keep.txt", "other.txt", false, true},
		{"!keep.txt\n*.txt", "keep.txt", false, true}, // the last match wins
		{"file?.go", "file1.go", false, true},
		{"file[0-9].go", "file7.go", false, true},
		{"file[!0-9].go", "file7.go", false, false},
		{"file[!0-9].go", "filex.go", false, true},
		{`\#hash`, "#hash", false, true},
		{"#hash", "#hash", false, false}, // a comment
		{`\!bang`, "!bang", false, true},
		{"trailing   ", "trailing", false, true},
		{`space\ `, "space ", false, true},
		{"\n\n# only comments\n", "x", false, false},
		{"a\r\nb\r\n", "b", false, true}, // CRLF files
		{"[", "[", false, false},         // malformed: matches nothing
		{"a/**/**/**/b", "a/x/b", false, true},
	}
	for _, c := range cases {
		ig := ignorer{{rules: parseIgnore([]byte(c.rules))}}
		if got := ig.ignored(c.path, c.dir); got != c.want {
			t.Errorf("rules %q, path %q (dir %v): ignored %v, want %v", c.rules, c.path, c.dir, got, c.want)
		}
	}
}

// TestIgnorePlaces checks that a deeper .gitignore applies below its own
// folder only, and that one above the walked root sees paths from its own
// folder.
func TestIgnorePlaces(t *testing.T) {
	ig := ignorer{
		{up: "pkg/sub", rules: parseIgnore([]byte("/pkg/sub/gen/\n"))},
		{dir: "", rules: parseIgnore([]byte("*.tmp\n"))},
		{dir: "lib", rules: parseIgnore([]byte("/x.go\n!y.tmp\n"))},
	}
	cases := map[string]bool{
		"gen":         true, // through the outer file's anchored pattern
		"a/gen":       false,
		"x.go":        false, // lib's /x.go is anchored to lib
		"lib/x.go":    true,
		"lib/y.tmp":   false,
		"other/y.tm":  false,
		"other/y.tmp": true,
		"libx/x.go":   false,
	}
	for p, want := range cases {
		if got := ig.ignored(p, strings.HasSuffix(p, "gen")); got != want {
			t.Errorf("%s: ignored %v, want %v", p, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 1 << 20: "1 MiB", 20 << 20: "20 MiB", 3 << 30: "3 GiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
	for s, want := range map[string]int64{"4096": 4096, "512KiB": 512 << 10, "1.5 MiB": 3 << 19, "2MB": 2e6, "1k": 1024, "1 GiB": 1 << 30, " 10 b ": 10} {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "MiB", "-1MiB", "0", "1 parsec", "1e3", "9999999GiB"} {
		if _, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) took it", s)
		}
	}
}

// FuzzIgnore checks that no .gitignore content and no path make the
// matcher panic, and that a rule file of only comments ignores nothing.
func FuzzIgnore(f *testing.F) {
	f.Add("*.log\n!keep.log\n/build/\na/**/b\n", "a/x/b", true)
	f.Add("[!a-\n\\", "[", false)
	f.Fuzz(func(t *testing.T, rules, path string, dir bool) {
		ig := ignorer{{rules: parseIgnore([]byte(rules))}, {up: "x/y", rules: parseIgnore([]byte(rules))}}
		ig.ignored(path, dir)
		if (ignorer{{rules: parseIgnore([]byte("# " + strings.ReplaceAll(rules, "\n", " ")))}}).ignored(path, dir) {
			t.Errorf("a comment ignored %q", path)
		}
	})
}
