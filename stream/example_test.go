package stream_test

import (
	"fmt"
	"strings"

	"github.com/parley-chat/parley/stream"
)

func ExampleDecoder() {
	body := "retry: 1000\r\n: keep-alive\r\n\r\nid: 1\r\nevent: delta\r\ndata: Hel\r\ndata: lo\r\n\r\ndata: [DONE]\r\n\r\n"
	d := stream.NewDecoder(strings.NewReader(body))
	for d.Next() {
		ev := d.Event()
		fmt.Printf("%s %q id=%q\n", ev.Type, ev.Data, ev.ID)
	}
	if err := d.Err(); err != nil {
		fmt.Println(err)
	}
	retry, _ := d.Retry()
	fmt.Println("retry", retry)
	// Output:
	// delta "Hel\nlo" id="1"
	// message "[DONE]" id="1"
	// retry 1s
}

func ExampleNDJSONReader() {
	body := `{"message":{"content":"Hi"},"done":false}` + "\n" + `<html>502 Bad Gateway</html>` + "\n"
	r := stream.NewNDJSON(strings.NewReader(body))
	for r.Next() {
		fmt.Println(string(r.Bytes()))
	}
	fmt.Println(r.Err())
	// Output:
	// {"message":{"content":"Hi"},"done":false}
	// stream: line 2 is not a JSON object: "<html>502 Bad Gateway</html>"
}
