package chatserver

import (
	"bytes"
	"strconv"
	"strings"
)

// transcriptWords are the text that Transcript's deltas carry, a few of
// them needing JSON escapes.
var transcriptWords = strings.Fields(`The quick brown fox jumps over the lazy dog. Streaming answers arrive
	token by token, so a "client" must decode each chunk fast \ without waiting; résumé naïve 東京 🙂
	- item one
	- item two
	` + "```go\nfmt.Println(\"hi\")\n```")

// Transcript returns a realistic Chat Completions event stream of about
// size bytes (at least one chunk), as a recording of OpenAI's would be: a
// role delta, content deltas of one word each, a finish chunk, a usage
// chunk and data: [DONE], with every field OpenAI sends. The same size
// always gives the same bytes. It is the input of the SSE decoder's
// benchmarks.
func Transcript(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 512)
	const head = `data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":`
	const tail = `,"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n"
	b.WriteString(head + `{"role":"assistant","content":"","refusal":null}` + tail)
	for i := 0; b.Len() < size; i++ {
		w := transcriptWords[i%len(transcriptWords)]
		if i%len(transcriptWords) != 0 {
			w = " " + w
		}
		b.WriteString(head + `{"content":` + strconv.Quote(w) + `}` + tail)
	}
	b.WriteString(head + `{}` + `,"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n")
	b.WriteString(`data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":` +
		strconv.Itoa(b.Len()/250) + `,"total_tokens":99}}` + "\n\n")
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}
