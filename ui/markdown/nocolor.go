package markdown

import (
	"reflect"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
)

// noColorStyle is glamour's dark style with every colour taken out: what
// NO_COLOR asks for. glamour's own "notty" style has no colour either, but
// it is meant for text that is not rendered and writes the markdown marks
// (**bold**, ``` fences) as they are; this one renders as the others do,
// with bold, italics, indents and rules.
func noColorStyle() *ansi.StyleConfig {
	cfg := styles.DarkStyleConfig // a copy: the fields cleared are its own
	uncolor(reflect.ValueOf(&cfg).Elem())
	return &cfg
}

// uncolor clears the colours of the style v: Color, BackgroundColor and
// the code blocks' chroma theme, in v and in the styles it holds by value.
func uncolor(v reflect.Value) {
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case name == "Color" || name == "BackgroundColor" || name == "Chroma":
			f.SetZero()
		case f.Kind() == reflect.Struct:
			uncolor(f)
		}
	}
}
