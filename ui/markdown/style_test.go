package markdown

import "testing"

func TestStyleFor(t *testing.T) {
	for _, tc := range []struct {
		theme, noColor, want string
	}{
		{"", "", StyleDark},
		{"auto", "", StyleDark},
		{"dark", "", StyleDark},
		{"light", "", StyleLight},
		{"light", "1", StyleNone},
		{"dark", "1", StyleNone},
	} {
		t.Setenv("NO_COLOR", tc.noColor)
		if got := StyleFor(tc.theme); got != tc.want {
			t.Errorf("StyleFor(%q) with NO_COLOR=%q = %q, want %q", tc.theme, tc.noColor, got, tc.want)
		}
	}
}
