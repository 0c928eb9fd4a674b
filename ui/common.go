package ui

import "time"

// common is shared by the root model and its children: the screen size, the
// styles of the current theme, the keys, and the clock.
type common struct {
	width, height int
	// wrap is the width the transcript is wrapped to. It follows width
	// once a resize has settled, so dragging a window does not re-render
	// the transcript at every step.
	wrap   int
	styles *Styles
	keys   KeyMap
	// now is the clock of the status line's timings; tests fix it so that
	// screens are reproducible.
	now func() time.Time
}
