package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello, world\n\tindented", "hello, world\n\tindented"},
		{"cjk and emoji", "你好 🌍 café", "你好 🌍 café"},
		{"sgr", "a\x1b[31mred\x1b[0m b", "ared b"},
		{"csi cursor", "x\x1b[2J\x1b[H\x1b[?25ly", "xy"},
		{"osc title bel", "\x1b]0;pwned\x07after", "after"},
		{"osc title st", "\x1b]2;pwned\x1b\\after", "after"},
		{"osc 8 link", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc 52 clipboard", "a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"},
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"pm and sos", "a\x1b^pm\x1b\\b\x1bXsos\x07c", "abc"},
		{"two-byte escapes", "a\x1b7b\x1b8c\x1bcd", "abcd"},
		{"charset escape", "a\x1b(Bb", "ab"},
		{"esc at end", "abc\x1b", "abc"},
		{"esc then control", "a\x1b\x01b", "ab"},
		{"esc then newline", "a\x1b\nb", "a\nb"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc with c1 st", "a\u009d0;t\u009cb", "ab"},
		{"c1 other", "a\u0085b\u0090x\u009cc", "abc"},
		{"c0 controls", "a\x00b\x07c\x08d\x0be\x0cf\x7fg", "abcdefg"},
		{"crlf", "one\r\ntwo\r\n", "one\ntwo\n"},
		{"lone cr", "secret\rpublic", "secretpublic"},
		{"unterminated osc ends at newline", "a\x1b]0;title\nrest", "a\nrest"},
		{"osc aborted by esc", "a\x1b]0;t\x1b[31mb", "ab"},
		{"csi abandoned on non-ascii", "a\x1b[3é", "aé"},
		{"bidi override", "a\u202eb\u2066c", "a⟨U+202E⟩b⟨U+2066⟩c"},
		{"bidi marks kept", "a\u200fb", "a\u200fb"},
		{"invalid utf8", "a\xffb\xe4\xb8", "a\ufffdb\ufffd\ufffd"},
		{"replacement char kept", "a\ufffdb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for cut := 0; cut <= len(tt.in); cut++ {
				var z Sanitizer
				got := z.Feed(tt.in[:cut]) + z.Feed(tt.in[cut:]) + z.Flush()
				if got != tt.want {
					t.Fatalf("split at %d: got %q, want %q", cut, got, tt.want)
				}
			}
		})
	}
}

func TestSanitizeFastPathDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("plain text, 中文, emoji 🎉\n\t", 20)
	allocs := testing.AllocsPerRun(100, func() {
		if Sanitize(s) != s {
			t.Fatal("clean text changed")
		}
	})
	if allocs != 0 {
		t.Errorf("Sanitize of clean text allocates %v times", allocs)
	}
	var z Sanitizer
	allocs = testing.AllocsPerRun(100, func() { _ = z.Feed(s) })
	if allocs != 0 {
		t.Errorf("Feed of clean text allocates %v times", allocs)
	}
}

func TestSanitizerStateCarriesAcrossDeltas(t *testing.T) {
	var z Sanitizer
	var got strings.Builder
	for _, d := range []string{"ti", "tle\x1b", "]0;evil ", "title", "\x07 shown", " \xe4", "\xb8\xad"} {
		got.WriteString(z.Feed(d))
	}
	got.WriteString(z.Flush())
	if want := "title shown 中"; got.String() != want {
		t.Errorf("got %q, want %q", got.String(), want)
	}
}

// checkSafe fails if out contains an escape, a control character other than
// newline and tab, a bidi control, or invalid UTF-8.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
			t.Fatalf("Sanitize(%q) = %q: contains %U", in, out, r)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b]0;t\x07x", "\x1b[31mred", "a\u009b1mb", "\r\n", "\xe4\xb8\xad",
		"\x1bP\x1b\\", "\u202e", "\x1b]8;;u\x1b\\l\x1b]8;;\x1b\\",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, step uint8) {
		whole := Sanitize(s)
		checkSafe(t, s, whole)
		if clean(s) && whole != s {
			t.Fatalf("clean input changed: %q -> %q", s, whole)
		}
		n := int(step%16) + 1
		var z Sanitizer
		var b strings.Builder
		for i := 0; i < len(s); i += n {
			b.WriteString(z.Feed(s[i:min(i+n, len(s))]))
		}
		b.WriteString(z.Flush())
		if b.String() != whole {
			t.Fatalf("streaming by %d: %q, whole: %q (input %q)", n, b.String(), whole, s)
		}
	})
}

func TestLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "connection refused", "connection refused"},
		{"breaks and tabs", "  bad\trequest:\r\n  model\n\nnot found  ", "bad request: model not found"},
		{"escapes go first", "401 \x1b]0;pwned\x07Unauthorized\x1b[2J", "401 Unauthorized"},
		{"empty", " \n\t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A cell goes on one line with its width unchanged; only Cell, the form
// for a terminal, sanitizes it as well.
func TestCellAndOneLine(t *testing.T) {
	in := "a\tb\r\nc \x1b[31mred"
	if got, want := OneLine(in), "a b  c \x1b[31mred"; got != want {
		t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
	}
	if got, want := Cell(in), "a b c red"; got != want { // Sanitize makes CRLF one break
		t.Errorf("Cell(%q) = %q, want %q", in, got, want)
	}
}
