package stream

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/parley-chat/parley/stream/streamtest"
)

func TestWatchIdleSilence(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(": keep-alive\n\ndata: a\n\n"), streamtest.Stall()))
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body := WatchIdle(resp.Body, 50*time.Millisecond)
	defer body.Close()
	d := NewDecoder(body)
	if !d.Next() || d.Event().Data != "a" {
		t.Fatalf("first event: %+v, %v", d.Event(), d.Err())
	}
	if d.Next() {
		t.Fatalf("an event after the stall: %+v", d.Event())
	}
	var ie *IdleError
	if !errors.As(d.Err(), &ie) || !errors.Is(d.Err(), ErrIdle) || ie.Timeout != 50*time.Millisecond {
		t.Fatalf("error %v, want an *IdleError", d.Err())
	}
	if got := (&IdleError{Timeout: 5 * time.Minute}).Error(); got != "stream: no data for 5m0s" {
		t.Errorf("message %q", got)
	}
	if _, err := body.Read(make([]byte, 1)); !errors.Is(err, ErrIdle) {
		t.Errorf("read after the timeout: %v", err)
	}
}

// Bytes that keep coming, however slowly, keep the stream alive: keep-alive
// comments count as activity.
func TestWatchIdleTrickle(t *testing.T) {
	in := ":\n:\n:\n:\ndata: ok\n\n"
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Trickle(in, 5*time.Millisecond)))
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body := WatchIdle(resp.Body, 2*time.Second)
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil || string(b) != in {
		t.Fatalf("got %q, %v", b, err)
	}
}

// A reader that does not read is not cut off: only waiting counts.
func TestWatchIdlePausedReader(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n")))
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body := WatchIdle(resp.Body, 10*time.Millisecond)
	defer body.Close()
	time.Sleep(30 * time.Millisecond)
	if b, err := io.ReadAll(body); err != nil || string(b) != "data: a\n\n" {
		t.Fatalf("got %q, %v", b, err)
	}
}

func TestWatchIdleClose(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	body := WatchIdle(pr, time.Hour)
	done := make(chan error)
	go func() {
		_, err := body.Read(make([]byte, 8))
		done <- err
	}()
	if err := body.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || errors.Is(err, ErrIdle) {
		t.Errorf("read during close: %v", err)
	}
	if b := WatchIdle(http.NoBody, 0); b != http.NoBody {
		t.Error("a zero timeout wrapped the body")
	}
}
