package markdown

// The glamour styles Parley picks from a configured theme.
const (
	StyleDark  = "dark"           // colours for a dark background
	StyleLight = "light"          // colours for a light background
	StyleNone  = "parley-nocolor" // no colour at all, still rendered (see noColorStyle)
)

// StyleFor returns the glamour style of rendered output for a configured
// theme: StyleNone when the user asked for no colour (NO_COLOR, read once
// into the run's environment), StyleLight for a light theme, else
// StyleDark.
func StyleFor(theme string, noColor bool) string {
	switch {
	case noColor:
		return StyleNone
	case theme == StyleLight:
		return StyleLight
	}
	return StyleDark
}
