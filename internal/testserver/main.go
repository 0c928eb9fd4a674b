// Command testserver is an OpenAI-compatible Chat Completions server for
// Parley's end-to-end tests (.ci/e2e). It listens on 127.0.0.1 only,
// prints its base URL on the first line of stdout, and answers by the last
// word of the prompt:
//
//	markdown  a markdown answer with headings, bold text, a list and code
//	evil      an answer that carries OSC title, OSC 52, CSI and DCS sequences
//	slow      an answer of many words at 20 a second, for stopping with Esc
//
// Anything else is echoed back.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only)")
	life := flag.Duration("life", 10*time.Minute, "exit after this long")
	flag.Parse()
	srv, err := chatserver.Start(chatserver.Options{Addr: *addr, AnswerFor: answer})
	if err != nil {
		log.Fatalf("testserver: %v", err)
	}
	fmt.Println(srv.URL)
	os.Stdout.Sync()
	time.Sleep(*life)
}

// answer picks the answer by the prompt's last word.
func answer(r chatserver.Request) chatserver.Answer {
	words := strings.Fields(r.Prompt())
	last := ""
	if len(words) > 0 {
		last = words[len(words)-1]
	}
	switch last {
	case "markdown":
		return chatserver.Answer{Pause: 5 * time.Millisecond, Tokens: chatserver.Words(
			"# Rendered Heading\n\nSome **strong words** and `code`.\n\n- first item\n- second item\n\n" +
				"```go\nfmt.Println(\"hi\")\n```\n\nThe end of the markdown answer.\n")}
	case "evil":
		return chatserver.Answer{Pause: 5 * time.Millisecond, Tokens: []string{"Before ", "\x1b]0;HACKED-TITLE\x07",
			"\x1b]2;HACKED-TOO\x1b\\", "middle ", "\x1b]52;c;aGFja2Vk\x07", "\x1b[2J\x1b[H", "\x1bP1$qm\x1b\\", "\u009b31m",
			"after the escapes.\n"}}
	case "slow":
		var toks []string
		for i := 1; i <= 400; i++ {
			toks = append(toks, fmt.Sprintf("word%d ", i))
		}
		return chatserver.Answer{Pause: 50 * time.Millisecond, Tokens: toks}
	}
	return chatserver.Answer{Pause: time.Millisecond, Tokens: chatserver.Words("You said: " + r.Prompt())}
}
