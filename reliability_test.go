package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoadTwentyAtOnce runs 20 one-shot processes at once against a server
// streaming 1,000 tokens a second to each: every one must print exactly
// the streamed text.
func TestLoadTwentyAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const procs, tokens = 20, 1000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := range tokens {
			b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"delta": map[string]string{"content": fmt.Sprintf("t%d ", i)}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			if i%10 == 9 { // 10 tokens a flush, 100 flushes a second
				w.(http.Flusher).Flush()
				select {
				case <-tick.C:
				case <-r.Context().Done():
					return
				}
			}
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	var want strings.Builder
	for i := range tokens {
		fmt.Fprintf(&want, "t%d ", i)
	}
	var wg sync.WaitGroup
	results := make([]result, procs)
	for i := range procs {
		wg.Go(func() {
			results[i] = parleyBinary(t, "", []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || r.stdout != want.String() {
			t.Errorf("process %d: exit %d, %d bytes of %d, stderr %q", i, r.code, len(r.stdout), want.Len(), r.stderr)
		}
	}
}

// TestKeyNeverShown checks that the API key appears nowhere: not in the
// error line, not in --json output, not in the debug log, not in the store.
func TestKeyNeverShown(t *testing.T) {
	const key = "sk-SECRET-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A hostile or careless server quotes the key back.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error"}}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "debug.log")
	for _, args := range [][]string{
		{"-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--debug", logPath},
		{"-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--json", "--debug", logPath},
	} {
		r := parley(t, "", []string{"OPENAI_API_KEY=" + key, "PARLEY_DATA_DIR=" + dir}, args...)
		if r.code != 1 {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "SECRET") {
			t.Errorf("%v: the key is shown: stdout %q, stderr %q", args, r.stdout, r.stderr)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "SECRET") {
			t.Errorf("the key is in %s", e.Name())
		}
	}
}
