package markdown

import "os"

// The glamour styles Parley picks from a configured theme.
const (
	StyleDark  = "dark"  // colours for a dark background
	StyleLight = "light" // colours for a light background
	StyleNone  = "notty" // no colour at all
)

// noColor reports whether the user asked for no colour (NO_COLOR set and
// not empty). It is the one place that reads NO_COLOR.
func noColor() bool { return os.Getenv("NO_COLOR") != "" }

// StyleFor returns the glamour style of rendered output for a configured
// theme: StyleNone under NO_COLOR, StyleLight for a light theme, else
// StyleDark.
func StyleFor(theme string) string {
	switch {
	case noColor():
		return StyleNone
	case theme == StyleLight:
		return StyleLight
	}
	return StyleDark
}
