// Command testserver is an OpenAI-compatible Chat Completions server for
// Parley's end-to-end tests. It listens on 127.0.0.1 only, prints its base
// URL on the first line of stdout, and answers by the last word of the
// prompt:
//
//	markdown  a markdown answer with headings, bold text, a list and code
//	evil      an answer that carries OSC title, OSC 52, CSI and DCS sequences
//	slow      an answer of many words at 20 a second, for stopping with Esc
//
// Anything else is echoed back.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only)")
	life := flag.Duration("life", 10*time.Minute, "exit after this long")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("testserver: %q is not a loopback address", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s/v1\n", ln.Addr())
	os.Stdout.Sync()
	time.AfterFunc(*life, func() { os.Exit(0) })
	http.HandleFunc("POST /v1/chat/completions", chat)
	log.Fatal(http.Serve(ln, nil))
}

// answers maps the prompt's last word to the answer's tokens and the pause
// between them.
func answer(prompt string) ([]string, time.Duration) {
	words := strings.Fields(prompt)
	last := ""
	if len(words) > 0 {
		last = words[len(words)-1]
	}
	switch last {
	case "markdown":
		return split("# Rendered Heading\n\nSome **strong words** and `code`.\n\n- first item\n- second item\n\n" +
			"```go\nfmt.Println(\"hi\")\n```\n\nThe end of the markdown answer.\n"), 5 * time.Millisecond
	case "evil":
		return []string{"Before ", "\x1b]0;HACKED-TITLE\x07", "\x1b]2;HACKED-TOO\x1b\\", "middle ",
			"\x1b]52;c;aGFja2Vk\x07", "\x1b[2J\x1b[H", "\x1bP1$qm\x1b\\", "\u009b31m", "after the escapes.\n"}, 5 * time.Millisecond
	case "slow":
		var toks []string
		for i := 1; i <= 400; i++ {
			toks = append(toks, fmt.Sprintf("word%d ", i))
		}
		return toks, 50 * time.Millisecond
	}
	return split("You said: " + prompt), time.Millisecond
}

func split(s string) []string {
	var toks []string
	for len(s) > 0 {
		i := strings.IndexAny(s[1:], " \n")
		if i < 0 {
			return append(toks, s)
		}
		toks, s = append(toks, s[:i+1]), s[i+1:]
	}
	return toks
}

func chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []struct{ Content string } `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	toks, pause := answer(body.Messages[len(body.Messages)-1].Content)
	w.Header().Set("Content-Type", "text/event-stream")
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	for _, tok := range toks {
		send(map[string]any{"choices": []any{map[string]any{"delta": map[string]string{"content": tok}}}})
		select {
		case <-time.After(pause):
		case <-r.Context().Done():
			return
		}
	}
	send(map[string]any{"choices": []any{map[string]any{"delta": map[string]string{}, "finish_reason": "stop"}}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}
