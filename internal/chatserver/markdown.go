package chatserver

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// FirstWord is the first token of every answer and LastWord its last
// word; neither occurs anywhere else in an answer, so seeing either on a
// screen or in a byte stream marks the first and the last token arriving.
const (
	FirstWord = "Kestrel"
	LastWord  = "Ptarmigan"
)

// Landmarks are strings that only an answer's rendering shows, besides
// FirstWord and LastWord: section headings, the first line of code blocks
// and table headers. Any 30 consecutive lines of an answer rendered at 80
// columns or more show one of them, so a screen showing some of an answer
// shows one of them or FirstWord or LastWord.
var Landmarks = []string{"Section", "io.Reader", "remarks"}

// MinTokens is the shortest answer Markdown makes: the opening sentence and
// the closing word.
const MinTokens = 8

// opening starts every answer; its first word is FirstWord.
const opening = FirstWord + " here: a long answer, in sections, with lists, code and tables.\n\n"

// Markdown returns an answer of exactly n tokens of markdown (n is raised to
// MinTokens): an opening sentence, then headings, paragraphs, bullet and
// numbered lists, fenced code, tables and quotes, and a closing paragraph
// whose last word is LastWord. Every block is closed, so the joined text is
// well-formed markdown. A token is a word with the spaces and punctuation
// before it, about four bytes, as a model's tokens roughly are. The answer
// is the same for the same n.
func Markdown(n int) []string {
	n = max(n, MinTokens)
	toks := Split(opening, alnum)
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	for i := 0; ; i++ {
		block := Split(blocks[i%len(blocks)](rng, i/len(blocks)+1), alnum)
		if len(toks)+len(block) > n-1 {
			break
		}
		toks = append(toks, block...)
	}
	if len(toks) > n-1 { // n is too small for the whole opening
		toks = toks[:n-1]
	}
	// The closing paragraph fills the answer to exactly n tokens.
	rest := n - len(toks)
	closing := make([]string, 0, rest)
	for range rest - 1 {
		closing = append(closing, " "+pick(rng, words))
	}
	closing = append(closing, " "+LastWord+".\n")
	sep := "\n\n"
	if strings.HasSuffix(toks[len(toks)-1], "\n\n") {
		sep = ""
	}
	closing[0] = sep + title(strings.TrimPrefix(closing[0], " "))
	return append(toks, closing...)
}

// Split cuts s into tokens that join back to s, as a model's tokens
// roughly are: each is a run of runes that word rejects (spaces,
// punctuation) followed by a run of runes that it accepts.
func Split(s string, word func(rune) bool) []string {
	var toks []string
	start, inWord := 0, false
	for i, r := range s {
		w := word(r)
		if inWord && !w {
			toks = append(toks, s[start:i])
			start = i
		}
		inWord = w
	}
	if start < len(s) {
		toks = append(toks, s[start:])
	}
	return toks
}

// Words splits s into tokens at white space: each is a run of spaces,
// tabs or newlines and the other runes that follow it.
func Words(s string) []string {
	return Split(s, func(r rune) bool { return r != ' ' && r != '\n' && r != '\t' })
}

// alnum is a word rune of Markdown's tokens: a letter or a digit.
func alnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' }

// blocks write the answer's sections in turn; each is given the number of
// the section it is in.
var blocks = []func(*rand.Rand, int) string{
	heading, paragraph, bullets, paragraph, code, numbered, table, quote, paragraph,
}

func heading(rng *rand.Rand, section int) string {
	return fmt.Sprintf("## Section %d: %s %s\n\n", section, title(pick(rng, words)), pick(rng, words))
}

func paragraph(rng *rand.Rand, _ int) string {
	var b strings.Builder
	for s := range 3 + rng.IntN(3) {
		if s > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sentence(rng, 8+rng.IntN(10)))
	}
	b.WriteString("\n\n")
	return b.String()
}

func bullets(rng *rand.Rand, _ int) string {
	var b strings.Builder
	for range 3 + rng.IntN(3) {
		b.WriteString("- " + sentence(rng, 5+rng.IntN(8)) + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

func numbered(rng *rand.Rand, _ int) string {
	var b strings.Builder
	for j := range 3 + rng.IntN(3) {
		fmt.Fprintf(&b, "%d. %s\n", j+1, sentence(rng, 5+rng.IntN(8)))
	}
	b.WriteString("\n")
	return b.String()
}

func code(rng *rand.Rand, section int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "```go\nfunc %s%d(r io.Reader) (int, error) {\n", pick(rng, words), section)
	fmt.Fprintf(&b, "\tbuf := make([]byte, %d)\n\ttotal := 0\n", 512<<rng.IntN(4))
	for range 2 + rng.IntN(4) {
		fmt.Fprintf(&b, "\t// %s\n", sentence(rng, 4+rng.IntN(5)))
	}
	b.WriteString("\tfor {\n\t\tn, err := r.Read(buf)\n\t\ttotal += n\n")
	b.WriteString("\t\tif err != nil {\n\t\t\treturn total, err\n\t\t}\n\t}\n}\n```\n\n")
	return b.String()
}

func table(rng *rand.Rand, _ int) string {
	var b strings.Builder
	b.WriteString("| name | tokens | remarks |\n| --- | ---: | --- |\n")
	for range 3 + rng.IntN(3) {
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", pick(rng, words), rng.IntN(5000), sentence(rng, 3+rng.IntN(4)))
	}
	b.WriteString("\n")
	return b.String()
}

func quote(rng *rand.Rand, _ int) string {
	return "> " + sentence(rng, 10+rng.IntN(8)) + "\n\n"
}

// sentence is n words with a capital, an end, and now and then some
// emphasis or inline code.
func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for j := range ws {
		w := pick(rng, words)
		switch rng.IntN(24) {
		case 0:
			w = "**" + w + "**"
		case 1:
			w = "*" + w + "*"
		case 2:
			w = "`" + w + "()`"
		}
		ws[j] = w
	}
	ws[0] = title(ws[0])
	return strings.Join(ws, " ") + "."
}

func title(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// words are the answers' vocabulary; FirstWord and LastWord are not in it.
var words = strings.Fields(`the a of to and in is that for it as with on be by this are from or
an stream token buffer reader writer frame screen terminal render model answer prompt server client
request response event decoder parser markdown heading paragraph list table code fence quote byte
line width height cursor cache block tail window scroll latency throughput memory allocation
goroutine channel context deadline timeout retry backoff error status header body chunk delta usage
finish reason value field string number slice map pointer interface method function package module
test benchmark profile sample trace count median ratio target floor network loopback socket pipe
fast slow small large first last every each some many few more less often rarely always never
quickly slowly carefully simply clearly read write parse encode decode flush wait send receive
keep drop split join measure compare check build run start stop open close`)
