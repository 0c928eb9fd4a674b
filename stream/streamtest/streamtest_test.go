package streamtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/stream/streamtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, ctx context.Context, srv *streamtest.Server, hdr map[string]string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/x?a=b", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return srv.Client().Do(req)
}

func TestScript(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(
			streamtest.Write("data: a"),
			streamtest.Split("bc\r\n\r\n", 1, 3, 4),
			streamtest.Chunks("data: d\n\n", 2),
			streamtest.Trickle("x", time.Millisecond),
			streamtest.Sleep(time.Millisecond),
		),
		streamtest.Status(http.StatusTeapot, "text/html", "<p>no</p>"),
	)
	resp, err := get(t, t.Context(), srv, map[string]string{"Last-Event-ID": "7"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "data: abc\r\n\r\ndata: d\n\nx" {
		t.Fatalf("body %q, %v", b, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != streamtest.EventStream {
		t.Errorf("content type %q", ct)
	}
	resp, err = get(t, t.Context(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || resp.Header.Get("Content-Type") != "text/html" || string(b) != "<p>no</p>" {
		t.Errorf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[0].Path != "/v1/x?a=b" ||
		string(reqs[0].Body) != "body" || reqs[0].Header.Get("Last-Event-ID") != "7" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestDrop(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n"), streamtest.Drop()))
	resp, err := get(t, t.Context(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if string(b) != "data: a\n\n" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got %q, %v; want the data and an unexpected EOF", b, err)
	}
}

func TestStallEndsWithClient(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Flush(), streamtest.Stall()),
		streamtest.Stream(streamtest.Stall()), // not even headers
	)
	ctx, cancel := context.WithCancel(t.Context())
	resp, err := get(t, ctx, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("read of a stalled body ended cleanly after cancel")
	}
	ctx, cancel = context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := get(t, ctx, srv, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the headers to stall", err)
	}
}

// A stalled script ends when the server closes, so Close does not hang.
func TestCloseEndsStall(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Flush(), streamtest.Stall()))
	resp, err := get(t, t.Context(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	srv.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("body of a closed server ended cleanly")
	}
}

func TestNoContentType(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Response{
		Header: http.Header{"Content-Type": {""}},
		Steps:  []streamtest.Step{streamtest.Write("<html>hi</html>")},
	})
	resp, err := get(t, t.Context(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct, ok := resp.Header["Content-Type"]; ok {
		t.Errorf("content type %q sent", ct)
	}
}

func TestRepeat(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: "), streamtest.Repeat("ab", 100000), streamtest.Write("\n\n")))
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "data: "+strings.Repeat("ab", 100000)+"\n\n" {
		t.Errorf("got %d bytes, %v", len(b), err)
	}
}
