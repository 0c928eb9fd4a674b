package termsafe

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Cell returns s sanitized, with each tab and line break replaced by a
// space and nothing else changed: the form for a cell of a table or an item
// of a list, whose width counts. Line is the form for prose.
func Cell(s string) string { return OneLine(Sanitize(s)) }

// OneLine returns s with each tab and line break replaced by a space and
// nothing else changed, not sanitized: Cell's form for an output that is
// not a terminal.
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// JSON encodes values as JSON for the reader of an output that may be a
// terminal: there the encoding is sanitized, since JSON escapes C0 controls
// but not C1 ones (U+009B is CSI to some terminals) or bidirectional
// overrides. Piped, the encoding is left as it is. Set the Encoder's
// options before the first Encode.
type JSON struct {
	*json.Encoder // into buf
	buf           bytes.Buffer
	tty           bool
}

// NewJSON returns a JSON encoder for an output that is a terminal when tty
// is set.
func NewJSON(tty bool) *JSON {
	o := &JSON{tty: tty}
	o.Encoder = json.NewEncoder(&o.buf)
	return o
}

// Encode returns v encoded, with its newline. The bytes are valid until
// the next Encode.
func (o *JSON) Encode(v any) ([]byte, error) {
	o.buf.Reset()
	if err := o.Encoder.Encode(v); err != nil {
		return nil, err
	}
	if o.tty {
		return []byte(Sanitize(o.buf.String())), nil
	}
	return o.buf.Bytes(), nil
}
