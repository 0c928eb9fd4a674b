package main

import (
	"strings"
	"testing"
	"time"
)

func TestSpinnerStopsAndClearsItsLine(t *testing.T) {
	var buf syncBuffer
	stop := startSpinner(&buf, "waiting for demo:demo")
	time.Sleep(150 * time.Millisecond)
	stop()
	stop() // a second call does nothing
	out := buf.String()
	if !strings.Contains(out, "waiting for demo:demo") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("spinner wrote %q", out)
	}
	if n := len(buf.String()); n != len(out) {
		t.Errorf("the spinner wrote after stop")
	}
}
