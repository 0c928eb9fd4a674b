package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKilledMidAnswerKeepsThePartialAnswer kills a process with SIGKILL
// while it streams an answer, and finds the answer stored up to at most
// FlushInterval before the kill (plus a margin for a busy machine).
func TestKilledMidAnswerKeepsThePartialAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	cmd := helperCmd(t, "crash", false, dbEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := lines(stdout)
	convID := <-out
	var sent []time.Time // when the helper reported delta i
	for line := range out {
		i, err := strconv.Atoi(line)
		if err != nil || i != len(sent) {
			t.Fatalf("helper said %q", line)
		}
		sent = append(sent, time.Now())
		// Kill well after the first writes, at a moment unrelated to them.
		if time.Since(sent[0]) > 2*FlushInterval+300*time.Millisecond {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for range out {
	}
	cmd.Wait()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Get(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 {
		t.Fatalf("%d messages stored, want the prompt and the partial answer", len(c.Messages))
	}
	a := c.Messages[1]
	if a.Status != StatusFailed || a.Error != Unfinished {
		t.Errorf("partial answer has status %q, error %q; want failed, %q", a.Status, a.Error, Unfinished)
	}
	stored := len(a.Text) / len(crashDelta(0))
	if a.Text != expectedCrashText(stored) {
		t.Fatalf("stored text is not the first %d deltas: %.80q…", stored, a.Text)
	}
	margin := FlushInterval + 500*time.Millisecond
	for i := stored; i < len(sent); i++ {
		if age := killed.Sub(sent[i]); age > margin {
			t.Errorf("delta %d was reported %v before the kill but is not stored (%d of %d stored)",
				i, age.Round(time.Millisecond), stored, len(sent))
			break
		}
	}
	t.Logf("%d of %d deltas stored; the last %v of the stream were lost",
		stored, len(sent), lostSpan(sent, stored, killed))
}

func expectedCrashText(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(crashDelta(i))
	}
	return b.String()
}

// lostSpan is how long before the kill the first unsaved delta arrived.
func lostSpan(sent []time.Time, stored int, killed time.Time) time.Duration {
	if stored >= len(sent) {
		return 0
	}
	return killed.Sub(sent[stored]).Round(time.Millisecond)
}

// TestTwoProcessesWriteAtOnce runs two processes that save conversations
// and append to one shared conversation at the same time: both succeed and
// everything they wrote is there.
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	const rounds = 40
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	shared, err := s.CreateConversation(ctx, Conversation{Title: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*strings.Builder
	var running []func() error
	for _, name := range []string{"A", "B"} {
		cmd := helperCmd(t, "writer", false, dbEnv+"="+path, convEnv+"="+shared.ID,
			nameEnv+"="+name, roundsEnv+"="+strconv.Itoa(rounds))
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, running = append(cmds, &out), append(running, cmd.Wait)
	}
	for i, wait := range running {
		if err := wait(); err != nil {
			t.Errorf("writer %d: %v: %s", i, err, cmds[i])
		}
	}

	list, err := s.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2*rounds+1 {
		t.Errorf("%d conversations, want %d", len(list), 2*rounds+1)
	}
	seen := map[string]bool{}
	for _, c := range list {
		if c.ID == shared.ID {
			continue
		}
		full, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := full.Messages
		if len(m) != 2 || m[0].Text != c.Title || m[1].Text != "answer "+c.Title || m[1].Status != StatusComplete {
			t.Errorf("conversation %s: %+v", c.Title, m)
		}
		seen[c.Title] = true
	}
	got, err := s.Get(ctx, shared.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range got.Messages {
		if m.Seq != i+1 {
			t.Errorf("shared message %d has seq %d", i, m.Seq)
		}
		if !seen[m.Text] {
			t.Errorf("shared message %q has no conversation of its own", m.Text)
		}
	}
	if len(got.Messages) != 2*rounds {
		t.Errorf("shared conversation has %d messages, want %d", len(got.Messages), 2*rounds)
	}
}

// TestOpenReadOnly opens databases that cannot be written, as an ordinary
// user (as user nobody when the tests run as root, whom permissions do not
// stop), and checks for one clear error and an untouched file.
func TestOpenReadOnly(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing bool        // a database is there already
		dirMode  os.FileMode // of its directory
		fileMode os.FileMode
	}{
		{"new database in a read-only directory", false, 0o555, 0},
		{"database in a read-only directory", true, 0o555, 0o644},
		{"read-only database file", true, 0o755, 0o444},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(worldDir(t), "data")
			path := filepath.Join(dir, "parley.db")
			var before []byte
			if tc.existing {
				s, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				addConversation(t, s, "hello")
				s.Close()
				before = readFile(t, path)
				chownNobody(t, path)
				must(t, os.Chmod(path, tc.fileMode))
			} else {
				must(t, os.Mkdir(dir, 0o700))
			}
			chownNobody(t, dir)
			must(t, os.Chmod(dir, tc.dirMode))

			out, err := helperCmd(t, "open", os.Geteuid() == 0, dbEnv+"="+path).CombinedOutput()
			msg := strings.TrimSpace(string(out))
			if err == nil {
				t.Fatalf("Open succeeded: %s", msg)
			}
			if !strings.HasPrefix(msg, "store: cannot use "+path+": ") || !strings.Contains(msg, "--no-save") ||
				strings.Count(msg, "\n") > 0 {
				t.Errorf("error %q should be one line naming the file and mentioning --no-save", msg)
			}
			t.Log(msg)
			if tc.existing && string(readFile(t, path)) != string(before) {
				t.Error("the database file changed")
			}
		})
	}
}

func chownNobody(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() == 0 {
		must(t, os.Chown(path, 65534, 65534))
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcessesCreateTheDatabase starts two processes on a database that
// does not exist yet: both create or migrate it, neither fails.
func TestTwoProcessesCreateTheDatabase(t *testing.T) {
	for round := range 4 {
		path := filepath.Join(t.TempDir(), "new", "parley.db")
		var outs [2]strings.Builder
		var cmds [2]func() error
		for i := range cmds {
			cmd := helperCmd(t, "open", false, dbEnv+"="+path)
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			must(t, cmd.Start())
			cmds[i] = cmd.Wait
		}
		for i, wait := range cmds {
			if err := wait(); err != nil {
				t.Errorf("round %d, process %d: %v: %s", round, i, err, outs[i].String())
			}
		}
	}
}
