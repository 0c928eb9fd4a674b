package markdown

import "testing"

func TestStyleFor(t *testing.T) {
	for _, tc := range []struct {
		theme   string
		noColor bool
		want    string
	}{
		{"", false, StyleDark},
		{"auto", false, StyleDark},
		{"dark", false, StyleDark},
		{"light", false, StyleLight},
		{"light", true, StyleLight}, // a theme the user named beats NO_COLOR
		{"dark", true, StyleDark},
		{"auto", true, StyleNone},
		{"", true, StyleNone},
		{"notty", false, StyleNone},
		{StyleNone, false, StyleNone},
	} {
		if got := StyleFor(tc.theme, tc.noColor); got != tc.want {
			t.Errorf("StyleFor(%q, noColor %v) = %q, want %q", tc.theme, tc.noColor, got, tc.want)
		}
	}
}
