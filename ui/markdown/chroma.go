package markdown

import (
	"fmt"
	"io"
	"math"
	"sync"

	"charm.land/glamour/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
)

// ChromaFormatter is the name of the chroma formatter the Renderer has glamour
// highlight code with. It writes exactly what chroma's "terminal256" writes,
// except in one case: terminal256 maps a style colour to the nearest of the
// 256 palette colours by iterating over a Go map, so when two palette colours
// are equally near (glamour's dark style has such colours, e.g. its comment
// grey #676767 between 241 and 242) every render picks one at random, and two
// renders of the same text differ. This formatter breaks such ties by palette
// order, which makes renders repeatable: a prerequisite for keeping rendered
// pieces and comparing them with full renders.
const ChromaFormatter = "parley256"

func init() {
	formatters.Register(ChromaFormatter, palette256{})
}

// GlamourOptions returns the glamour options the Renderer uses for opts (a
// zero Width or empty Style taking their defaults). A full render with them,
// glamour.NewTermRenderer(GlamourOptions(o)...).Render(text), is what the
// Renderer's output equals.
func GlamourOptions(o Options) []glamour.TermRendererOption {
	o = o.withDefaults()
	return []glamour.TermRendererOption{
		glamour.WithStandardStyle(o.Style),
		glamour.WithWordWrap(o.Width),
		glamour.WithChromaFormatter(ChromaFormatter),
	}
}

// palette256 is a chroma formatter for 256-colour terminals.
type palette256 struct{}

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
func (palette256) Format(w io.Writer, style *chroma.Style, it chroma.Iterator) error {
	// Like terminal256, ignore the style's background colour.
	b := style.Builder()
	bg := b.Get(chroma.Background)
	bg.Background, bg.NoInherit = 0, true
	b.AddEntry(chroma.Background, bg)
	style, err := b.Build()
	if err != nil {
		return err
	}
	theme := map[chroma.TokenType]string{}
	for _, t := range style.Types() {
		theme[t] = sgr(style.Get(t))
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
