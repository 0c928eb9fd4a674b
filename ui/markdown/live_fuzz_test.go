package markdown

import (
	"strings"
	"testing"
)

// FuzzLiveRenderer is FuzzRenderer with live frames: every frame checked
// must look as glamour's render does (the same cells, the bytes may group
// the styles otherwise), and the last be glamour's render. It found that a
// code block closed with no code in it was drawn live as a block of one
// blank line (testdata/fuzz/FuzzLiveRenderer).
func FuzzLiveRenderer(f *testing.F) {
	addLiveSeeds(f)
	f.Fuzz(func(t *testing.T, text string, step uint8) {
		if len(text) > 400 {
			return
		}
		feed(t, text, int(step%13)+1, 40, true)
	})
}

// FuzzLiveSealed streams a text into a live renderer sealed at every
// frame, as the one-shot printer seals it, where closed code blocks are
// committed as live frames laid them out (liveCode.commit), and closed
// paragraphs and lists as glamour writes them without glamour
// (liveState.commit): the sealed lines and the last frame must be the full
// render, byte for byte.
func FuzzLiveSealed(f *testing.F) {
	addLiveSeeds(f,
		"Some words, and *more* words (with `code`) that wrap! And **strong** ones.\nA second line.\n\nNext paragraph here.\n\n- item\n",
		"One *two* three\nfour `five` six\n\n```go\nx := 1\n```\n\nlast words of it all (really)!",
		"A line that ends in emphasis *like this*\nand goes on __strongly__ after it\n\n# Head\n\ntext\n\n7. seven\n8. eight `x`\n",
	)
	f.Fuzz(func(t *testing.T, text string, step uint8) {
		if len(text) > 400 || strings.Contains(text, "]:") {
			return // a reference defined after a seal cannot change what was sealed
		}
		n := int(step%13) + 1
		r := New(Options{Width: 40, Live: true})
		var got []string
		for i := 0; i < len(text); i += n {
			r.Append(text[i:min(i+n, len(text))])
			got = append(got, r.Lines()[:r.Stable()]...)
			r.Seal()
		}
		r.Finish()
		got = append(got, r.Lines()...)
		if want := fullRender(t, r.Text(), 40, "dark"); strings.Join(got, "\n")+"\n" != want {
			t.Fatalf("%q sealed every %d bytes: %s", text, n, firstDiff(want, strings.Join(got, "\n")+"\n"))
		}
	})
}

// addLiveSeeds adds the seeds of the live fuzz targets, and more, each
// streamed 3 bytes a frame.
func addLiveSeeds(f *testing.F, more ...string) {
	for _, s := range append([]string{
		"# h\n\npara\n\n- a\n\n- b\n\n```go\nx\n\ny\n```\n\nend",
		"Some words.\n\n| a | b |\n| - | -: |\n| 1 | 2 |\n| *three* | x |\n\n> quote\n\nafter",
		"1. one\n2. two words\n3. three\n\n```\ncode\n```\n\n## Head  \n\ntext **bold** `x`",
	}, more...) {
		f.Add(s, uint8(3))
	}
}
