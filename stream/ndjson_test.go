package stream

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type ndjsonResult struct {
	Lines []string
	Nums  []int
	Err   error
}

func readNDJSON(r io.Reader, max int) ndjsonResult {
	n := NewNDJSON(r)
	if max > 0 {
		n.SetMaxLineSize(max)
	}
	var res ndjsonResult
	for n.Next() {
		res.Lines = append(res.Lines, string(n.Bytes()))
		res.Nums = append(res.Nums, n.Line())
	}
	res.Err = n.Err()
	return res
}

func TestNDJSON(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines []string
		nums  []int
		err   string
	}{
		{name: "empty", in: ""},
		{name: "ollama", in: `{"message":{"content":"Hi"},"done":false}` + "\n" + `{"done":true,"eval_count":3}` + "\n",
			lines: []string{`{"message":{"content":"Hi"},"done":false}`, `{"done":true,"eval_count":3}`}, nums: []int{1, 2}},
		{name: "crlf and blanks", in: "\r\n{\"a\":1}\r\n  \n\t\n{\"b\":2}\n\n",
			lines: []string{`{"a":1}`, `{"b":2}`}, nums: []int{2, 5}},
		{name: "final line without newline", in: "{\"a\":1}\n{\"b\":2}", lines: []string{`{"a":1}`, `{"b":2}`}, nums: []int{1, 2}},
		{name: "not json", in: "{\"a\":1}\n<html><body>Bad gateway</body></html>\n",
			lines: []string{`{"a":1}`}, nums: []int{1},
			err: `stream: line 2 is not a JSON object: "<html><body>Bad gateway</body></html>"`},
		{name: "truncated object", in: "{\"a\":1}\n{\"b\":", lines: []string{`{"a":1}`}, nums: []int{1},
			err: `stream: line 2 is not a JSON object: "{\"b\":"`},
		{name: "array is not an object", in: "[1,2]\n", err: `stream: line 1 is not a JSON object: "[1,2]"`},
		{name: "sse by mistake", in: "data: {\"a\":1}\n\n", err: `stream: line 1 is not a JSON object: "data: {\"a\":1}"`},
		{name: "long snippet is cut", in: strings.Repeat("é", 50) + "\n",
			err: `stream: line 1 is not a JSON object: "` + strings.Repeat("é", 40) + `"…`},
		{name: "control bytes are quoted", in: "\x1b]0;pwned\x07\n", err: `stream: line 1 is not a JSON object: "\x1b]0;pwned\a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in)),
				iotest.DataErrReader(strings.NewReader(tt.in))} {
				got := readNDJSON(r, 0)
				if !reflect.DeepEqual(got.Lines, tt.lines) || !reflect.DeepEqual(got.Nums, tt.nums) {
					t.Errorf("lines %q %v, want %q %v", got.Lines, got.Nums, tt.lines, tt.nums)
				}
				if msg := errString(got.Err); msg != tt.err {
					t.Errorf("error %s\n want %s", msg, tt.err)
				}
				if tt.err != "" && !errors.Is(got.Err, ErrNotJSON) {
					t.Errorf("error %v does not wrap ErrNotJSON", got.Err)
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNDJSONLimit(t *testing.T) {
	ok := `{"a":"` + strings.Repeat("x", 10) + `"}`
	in := ok + "\n" + `{"a":"` + strings.Repeat("x", 100) + `"}` + "\n" + ok + "\n"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		got := readNDJSON(r, 32)
		var se *SizeError
		if len(got.Lines) != 1 || !errors.As(got.Err, &se) || se.Limit != 32 {
			t.Errorf("got %q, %v", got.Lines, got.Err)
		}
	}
	got := readNDJSON(strings.NewReader(ok+"\n"), len(ok))
	if len(got.Lines) != 1 || got.Err != nil {
		t.Errorf("a line at the limit: %q, %v", got.Lines, got.Err)
	}
	n := NewNDJSON(io.LimitReader(repeatReader('x'), 1<<20))
	n.SetMaxLineSize(1 << 10)
	for n.Next() {
	}
	if cap(n.buf) > 1<<11 || !errors.Is(n.Err(), ErrTooLarge) {
		t.Errorf("buffer grew to %d bytes; error %v", cap(n.buf), n.Err())
	}
}

// A read error is reported as such, not as the half line it cut.
func TestNDJSONReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\""), iotest.ErrReader(io.ErrUnexpectedEOF))
	got := readNDJSON(r, 0)
	if len(got.Lines) != 1 || !errors.Is(got.Err, io.ErrUnexpectedEOF) {
		t.Errorf("got %q, %v", got.Lines, got.Err)
	}
}
