package markdown

// The glamour styles Parley picks from a configured theme.
const (
	StyleDark  = "dark"           // colours for a dark background
	StyleLight = "light"          // colours for a light background
	StyleNone  = "parley-nocolor" // no colour at all, still rendered (see noColorStyle)
)

// StyleFor returns the glamour style of rendered output for a configured
// theme. A theme the user named wins: "dark" and "light" keep their
// colours even under NO_COLOR, as the NO_COLOR convention lets
// configuration override it, and "notty" (or StyleNone) has none. "auto"
// or nothing is StyleNone when NO_COLOR is set (noColor, read once into
// the run's environment), else StyleDark.
func StyleFor(theme string, noColor bool) string {
	switch theme {
	case StyleDark, StyleLight:
		return theme
	case StyleNone, "notty":
		return StyleNone
	}
	if noColor {
		return StyleNone
	}
	return StyleDark
}
