package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/store/storetest"
)

func TestOpenRefusesDamagedPage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		big   bool // beyond fullCheckSize
		table string
	}{
		{"messages", false, "messages"},
		{"conversations", false, "conversations"},
		{"conversations of a big file", true, "conversations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "parley.db")
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for range 5 {
				addConversation(t, s, "a question", "an answer")
			}
			if tc.big {
				addConversation(t, s, "a long paste", strings.Repeat("lorem ipsum ", fullCheckSize/10))
			}
			s.Close()
			if info, _ := os.Stat(path); tc.big != (info.Size() > fullCheckSize) {
				t.Fatalf("the file has %d bytes", info.Size())
			}
			storetest.DamagePage(t, path, tc.table)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err = Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var oe *OpenError
			if !errors.As(err, &oe) || !errors.Is(err, ErrNotParley) {
				t.Errorf("error %v (%T), want an *OpenError wrapping ErrNotParley", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "damaged") ||
				!strings.HasSuffix(msg, "(move the file aside, or run with --no-save)") {
				t.Errorf("error %q", msg)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the damaged file was written to")
			}
		})
	}
}
