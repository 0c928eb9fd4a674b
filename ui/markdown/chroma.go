package markdown

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
)

// The Renderer has glamour highlight code with formatters of its own, one
// per glamour standard style, named ChromaFormatter(style). Each writes
// exactly what chroma's "terminal256" writes, but fixes two faults:
//
//   - terminal256 maps a colour to the nearest of the 256 palette colours by
//     iterating over a Go map, so when two are equally near (glamour's dark
//     comment grey #676767 lies between 241 and 242) every render picks one at
//     random and two renders of the same text differ. Ties are broken here by
//     palette order, which makes renders repeatable: a prerequisite for
//     keeping rendered pieces and comparing them with full renders.
//   - glamour registers the chroma colours of a style under one shared name,
//     "charm", once per process: whichever of dark or light renders code
//     first colours the code of both from then on. Each formatter here holds
//     the colours of its own style and ignores the shared one.

// ChromaFormatter returns the name of the chroma formatter for the glamour
// standard style, as GlamourOptions passes it to glamour.
func ChromaFormatter(style string) string {
	return "parley256-" + style
}

func init() {
	// Registered here, before any render, as chroma's registry is a plain
	// map; so is glamour's, where WithStandardStyle finds StyleNone.
	styles.DefaultStyles[StyleNone] = noColorStyle()
	for name, cfg := range styles.DefaultStyles {
		f := palette256{}
		if c := cfg.CodeBlock.Chroma; c != nil {
			if st := chromaStyleOf(c); st != nil {
				f.theme = sync.OnceValues(func() (map[chroma.TokenType]string, error) { return themeOf(st) })
			}
		}
		formatters.Register(ChromaFormatter(name), f)
	}
	lexers.Register(untagged)
}

// untagged is the lexer of a fence with no language. Left to chroma, such a
// fence costs a search of every lexer's file name patterns and then a guess
// of the language from the whole block, at every render: about 11 ms, most
// of the CPU of a chat whose answers hold such blocks (the context block of
// engine.go is one). The guess can also change as a block grows, recolouring
// it mid-stream. Registered under the empty alias, a fence with no language
// is plain text: found at once, and stable.
var untagged = chroma.MustNewLexer(&chroma.Config{
	Name:    "parley-untagged",
	Aliases: []string{""},
}, lexers.PlaintextRules)

// GlamourOptions returns the glamour options the Renderer uses for opts (a
// zero Width or empty Style taking their defaults). A full render with them,
// glamour.NewTermRenderer(GlamourOptions(o)...).Render(text), is what the
// Renderer's output equals.
func GlamourOptions(o Options) []glamour.TermRendererOption {
	o = o.withDefaults()
	return []glamour.TermRendererOption{
		glamour.WithStandardStyle(o.Style),
		glamour.WithWordWrap(o.Width),
		glamour.WithChromaFormatter(ChromaFormatter(o.Style)),
	}
}

// chromaStyleOf builds the chroma style glamour builds from a style's
// colours, or nil if they do not make one.
func chromaStyleOf(c *ansi.Chroma) *chroma.Style {
	entries := chroma.StyleEntries{
		chroma.Text: entryOf(c.Text), chroma.Error: entryOf(c.Error),
		chroma.Comment: entryOf(c.Comment), chroma.CommentPreproc: entryOf(c.CommentPreproc),
		chroma.Keyword: entryOf(c.Keyword), chroma.KeywordReserved: entryOf(c.KeywordReserved),
		chroma.KeywordNamespace: entryOf(c.KeywordNamespace), chroma.KeywordType: entryOf(c.KeywordType),
		chroma.Operator: entryOf(c.Operator), chroma.Punctuation: entryOf(c.Punctuation),
		chroma.Name: entryOf(c.Name), chroma.NameBuiltin: entryOf(c.NameBuiltin),
		chroma.NameTag: entryOf(c.NameTag), chroma.NameAttribute: entryOf(c.NameAttribute),
		chroma.NameClass: entryOf(c.NameClass), chroma.NameConstant: entryOf(c.NameConstant),
		chroma.NameDecorator: entryOf(c.NameDecorator), chroma.NameException: entryOf(c.NameException),
		chroma.NameFunction: entryOf(c.NameFunction), chroma.NameOther: entryOf(c.NameOther),
		chroma.Literal: entryOf(c.Literal), chroma.LiteralNumber: entryOf(c.LiteralNumber),
		chroma.LiteralDate: entryOf(c.LiteralDate), chroma.LiteralString: entryOf(c.LiteralString),
		chroma.LiteralStringEscape: entryOf(c.LiteralStringEscape),
		chroma.GenericDeleted:      entryOf(c.GenericDeleted), chroma.GenericEmph: entryOf(c.GenericEmph),
		chroma.GenericInserted: entryOf(c.GenericInserted), chroma.GenericStrong: entryOf(c.GenericStrong),
		chroma.GenericSubheading: entryOf(c.GenericSubheading), chroma.Background: entryOf(c.Background),
	}
	s, err := chroma.NewStyle("parley", entries)
	if err != nil {
		return nil
	}
	return s
}

// entryOf writes a glamour colour setting as a chroma style entry.
func entryOf(p ansi.StylePrimitive) string {
	var parts []string
	if p.Color != nil {
		parts = append(parts, *p.Color)
	}
	if p.BackgroundColor != nil {
		parts = append(parts, "bg:"+*p.BackgroundColor)
	}
	for _, f := range []struct {
		on   *bool
		name string
	}{{p.Italic, "italic"}, {p.Bold, "bold"}, {p.Underline, "underline"}} {
		if f.on != nil && *f.on {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, " ")
}

// palette256 is a chroma formatter for 256-colour terminals.
type palette256 struct {
	// theme returns the SGR sequences of the colours to use, built once;
	// nil means those of the style chroma passes, built at each call.
	theme func() (map[chroma.TokenType]string, error)
}

// xterm returns the colour of palette entry i, as terminal256 has it.
func xterm(i int) chroma.Colour {
	system := [16]uint32{
		0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0,
		0x808080, 0xff0000, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff, 0xffffff,
	}
	switch {
	case i < 16:
		return chroma.NewColour(uint8(system[i]>>16), uint8(system[i]>>8), uint8(system[i]))
	case i < 232:
		level := [6]uint8{0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff}
		i -= 16
		return chroma.NewColour(level[i/36], level[i/6%6], level[i%6])
	default:
		g := uint8(8 + 10*(i-232))
		return chroma.NewColour(g, g, g)
	}
}

// palette lists the entries terminal256 can pick, in palette order: where
// the palette holds one colour twice, terminal256 uses the later entry.
var palette = sync.OnceValue(func() []int {
	last := map[chroma.Colour]int{}
	for i := range 256 {
		last[xterm(i)] = i
	}
	var p []int
	for i := range 256 {
		if last[xterm(i)] == i {
			p = append(p, i)
		}
	}
	return p
})

// nearestCache memoizes nearest: a style has a few dozen colours.
var nearestCache sync.Map // chroma.Colour -> int

// nearest returns the palette entry nearest to c by chroma's distance; among
// equally near colours, the first in palette order wins.
func nearest(c chroma.Colour) int {
	if i, ok := nearestCache.Load(c); ok {
		return i.(int)
	}
	best, dist := 0, math.MaxFloat64
	for _, i := range palette() {
		if d := xterm(i).Distance(c); d < dist {
			best, dist = i, d
		}
	}
	nearestCache.Store(c, best)
	return best
}

// sgr returns the SGR sequence for a style entry, as terminal256 builds it.
func sgr(e chroma.StyleEntry) string {
	s := ""
	if e.Bold == chroma.Yes {
		s += "\033[1m"
	}
	if e.Underline == chroma.Yes {
		s += "\033[4m"
	}
	if e.Italic == chroma.Yes {
		s += "\033[3m"
	}
	if e.Colour.IsSet() {
		s += fmt.Sprintf("\033[38;5;%dm", nearest(e.Colour))
	}
	if e.Background.IsSet() {
		s += fmt.Sprintf("\033[48;5;%dm", nearest(e.Background))
	}
	return s
}

// Format implements chroma.Formatter.
func (f palette256) Format(w io.Writer, style *chroma.Style, it chroma.Iterator) error {
	var theme map[chroma.TokenType]string
	var err error
	if f.theme != nil {
		theme, err = f.theme()
	} else {
		theme, err = themeOf(style)
	}
	if err != nil {
		return err
	}
	for tok := it(); tok != chroma.EOF; tok = it() {
		clr, ok := theme[tok.Type]
		if !ok {
			clr, ok = theme[tok.Type.SubCategory()]
		}
		if !ok {
			clr, ok = theme[tok.Type.Category()]
		}
		if !ok {
			clr, ok = theme[chroma.Text]
		}
		if !ok {
			clr = theme[chroma.Background]
		}
		if _, err := io.WriteString(w, clr+tok.Value); err != nil {
			return err
		}
		if clr != "" {
			if _, err := io.WriteString(w, "\033[0m"); err != nil {
				return err
			}
		}
	}
	return nil
}

// themeOf returns the SGR sequence of each token type of a style, as
// terminal256 builds them: the style's background colour is ignored.
func themeOf(style *chroma.Style) (map[chroma.TokenType]string, error) {
	b := style.Builder()
	bg := b.Get(chroma.Background)
	bg.Background, bg.NoInherit = 0, true
	b.AddEntry(chroma.Background, bg)
	style, err := b.Build()
	if err != nil {
		return nil, err
	}
	theme := map[chroma.TokenType]string{}
	for _, t := range style.Types() {
		theme[t] = sgr(style.Get(t))
	}
	return theme, nil
}
