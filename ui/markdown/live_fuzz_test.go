package markdown

import "testing"

// FuzzLiveRenderer is FuzzRenderer with live frames: every frame checked
// must look as glamour's render does (the same cells, the bytes may group
// the styles otherwise), and the last be glamour's render. It found that a
// code block closed with no code in it was drawn live as a block of one
// blank line (testdata/fuzz/FuzzLiveRenderer).
func FuzzLiveRenderer(f *testing.F) {
	for _, s := range []string{
		"# h\n\npara\n\n- a\n\n- b\n\n```go\nx\n\ny\n```\n\nend",
		"Some words.\n\n| a | b |\n| - | -: |\n| 1 | 2 |\n| *three* | x |\n\n> quote\n\nafter",
		"1. one\n2. two words\n3. three\n\n```\ncode\n```\n\n## Head  \n\ntext **bold** `x`",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, text string, step uint8) {
		if len(text) > 400 {
			return
		}
		feed(t, text, int(step%13)+1, 40, true)
	})
}
