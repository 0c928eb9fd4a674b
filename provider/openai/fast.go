package openai

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// parseFast fills ch from data for the chunks a stream is made of almost
// entirely: {"id":…, "choices":[{"index":0,"delta":{"content":"…"},
// "finish_reason":null}], …}. It is several times faster than
// encoding/json, which showed as most of a one-shot answer's CPU time.
//
// It is strict: it validates the whole document as JSON, and it declines
// (returns false, leaving ch to be filled by encoding/json) anything that
// is not plainly such a chunk: usage, errors, a key that differs from a
// known one only in case, a value of an unexpected type, invalid UTF-8.
// So it never accepts what encoding/json would refuse, and where it
// accepts, it agrees with encoding/json (FuzzParseFast checks both).
//
// It is hand-written because the library made for this, fastjson with a
// reused parser, cost 11-14% more CPU on a piped 10,000-token answer:
// the figures and how to take them again are in BENCHMARKS.md.
func parseFast(data []byte, ch *chunk) bool {
	p := fastParser{s: data}
	if !p.eat('{') {
		return false
	}
	for i := 0; ; i++ {
		key, ok, end := p.member(i)
		if !ok {
			return false
		}
		if end {
			break
		}
		switch string(key) {
		case "choices":
			ok = p.choices(ch)
		case "usage", "error", "x_groq":
			ok = p.null()
		default:
			ok = !foldsToKnown(key, topKeys) && p.skip()
		}
		if !ok {
			return false
		}
	}
	p.space()
	return p.i == len(p.s) && utf8.Valid(data)
}

var (
	topKeys    = []string{"choices", "usage", "error", "x_groq"}
	choiceKeys = []string{"index", "delta", "finish_reason"}
	deltaKeys  = []string{"content", "reasoning_content", "reasoning", "tool_calls"}
)

// foldsToKnown reports whether key is one of known but for case, which
// encoding/json would match and this parser does not.
func foldsToKnown(key []byte, known []string) bool {
	for _, k := range known {
		if equalFold(k, key) {
			return true
		}
	}
	return false
}

// equalFold is strings.EqualFold(k, string(key)) without converting key:
// ASCII keys, nearly all of them, are compared in place.
func equalFold(k string, key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return strings.EqualFold(k, string(key)) // 'ſ' and 'K' fold to ASCII
		}
	}
	if len(k) != len(key) {
		return false
	}
	for i := range len(key) {
		a, b := k[i], key[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

type fastParser struct {
	s     []byte
	i     int
	depth int
}

// maxDepth bounds the nesting that skip follows; deeper declines.
const maxDepth = 100

func (p *fastParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *fastParser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *fastParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// member reads the key of the i-th member of an object whose '{' has been
// read, leaving the parser at its value; end reports the object's '}'.
// (A loop over member, rather than a callback per member, keeps the
// parser free of allocations.)
func (p *fastParser) member(i int) (key []byte, ok, end bool) {
	if i == 0 {
		if p.eat('}') {
			return nil, true, true
		}
	} else if !p.eat(',') {
		return nil, p.eat('}'), true
	}
	key, ok = p.rawString()
	return key, ok && p.eat(':'), false
}

func (p *fastParser) choices(ch *chunk) bool {
	if p.null() {
		ch.Choices = nil
		return true
	}
	if !p.eat('[') {
		return false
	}
	ch.Choices = ch.Choices[:0]
	if p.eat(']') {
		return true
	}
	for {
		ch.Choices = append(ch.Choices, choice{})
		if !p.choice(&ch.Choices[len(ch.Choices)-1]) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat(']')
	}
}

func (p *fastParser) choice(c *choice) bool {
	if !p.eat('{') {
		return false
	}
	for i := 0; ; i++ {
		key, ok, end := p.member(i)
		if !ok || end {
			return ok
		}
		switch string(key) {
		case "index":
			ok = p.index(&c.Index)
		case "delta":
			ok = p.delta(c)
		case "finish_reason":
			ok = p.optString(&c.FinishReason)
		default:
			ok = !foldsToKnown(key, choiceKeys) && p.skip()
		}
		if !ok {
			return false
		}
	}
}

func (p *fastParser) delta(c *choice) bool {
	if p.null() {
		return true
	}
	if !p.eat('{') {
		return false
	}
	for i := 0; ; i++ {
		key, ok, end := p.member(i)
		if !ok || end {
			return ok
		}
		switch string(key) {
		case "content":
			ok = p.strOrNull(&c.Delta.Content)
		case "reasoning_content":
			ok = p.strOrNull(&c.Delta.ReasoningContent)
		case "reasoning":
			ok = p.strOrNull(&c.Delta.Reasoning)
		case "tool_calls":
			ok = p.null() // calls are rare: encoding/json reads them
		default:
			ok = !foldsToKnown(key, deltaKeys) && p.skip()
		}
		if !ok {
			return false
		}
	}
}

// index parses a small non-negative integer; anything else declines.
func (p *fastParser) index(dst *int) bool {
	if p.null() {
		return true
	}
	p.space()
	n, start := 0, p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' && p.i-start < 9 {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
	}
	if p.i == start || (p.s[start] == '0' && p.i-start > 1) || (p.i < len(p.s) && strings.IndexByte(".eE0123456789", p.s[p.i]) >= 0) {
		return false
	}
	*dst = n
	return true
}

func (p *fastParser) optString(dst **string) bool {
	if p.null() {
		*dst = nil
		return true
	}
	s, ok := p.str()
	if ok {
		*dst = &s
	}
	return ok
}

func (p *fastParser) strOrNull(dst *string) bool {
	if p.null() {
		return true // encoding/json leaves the field as it was
	}
	s, ok := p.str()
	if ok {
		*dst = s
	}
	return ok
}

func (p *fastParser) null() bool {
	if p.peek() == 'n' && len(p.s)-p.i >= 4 && string(p.s[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// rawString returns the bytes of a string without escapes, for keys;
// a key with escapes declines.
func (p *fastParser) rawString() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			p.i++
			return p.s[start : p.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// str decodes a string value.
func (p *fastParser) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			p.i++
			return string(p.s[start : p.i-1]), true
		}
		if c == '\\' {
			return p.escaped(start)
		}
		if c < 0x20 {
			return "", false
		}
		p.i++
	}
	return "", false
}

// escaped decodes the rest of a string that holds an escape.
func (p *fastParser) escaped(start int) (string, bool) {
	b := make([]byte, 0, p.i-start+16)
	b = append(b, p.s[start:p.i]...)
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", false
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if r2, ok = p.hex4(); !ok {
						return "", false
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.i, r2 = save, -1 // not a pair: the second stands alone
					}
				}
				if r2 >= 0 {
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return "", false
}

// skipString validates a string value without decoding it.
func (p *fastParser) skipString() bool {
	p.i++ // the opening quote
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			p.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return false
			}
			switch p.s[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				p.i += 2
				if _, ok := p.hex4(); !ok {
					return false
				}
			default:
				return false
			}
		default:
			p.i++
		}
	}
	return false
}

func (p *fastParser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.s[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// skip validates and passes over any value.
func (p *fastParser) skip() bool {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return false
	}
	switch c := p.peek(); {
	case c == '{':
		p.i++
		for i := 0; ; i++ {
			_, ok, end := p.member(i)
			if !ok || end {
				return ok
			}
			if !p.skip() {
				return false
			}
		}
	case c == '[':
		p.i++
		if p.eat(']') {
			return true
		}
		for {
			if !p.skip() {
				return false
			}
			if p.eat(',') {
				continue
			}
			return p.eat(']')
		}
	case c == '"':
		return p.skipString()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.null()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return false
}

func (p *fastParser) literal(word string) bool {
	if len(p.s)-p.i >= len(word) && string(p.s[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// number validates a JSON number.
func (p *fastParser) number() bool {
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
