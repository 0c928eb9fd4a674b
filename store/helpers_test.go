package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// The helpers below run in a child process: the test binary re-executed
// with helperEnv set. They read their arguments from the environment.
const (
	dbEnv     = "PARLEY_STORE_TEST_DB"
	convEnv   = "PARLEY_STORE_TEST_CONV"
	nameEnv   = "PARLEY_STORE_TEST_NAME"
	roundsEnv = "PARLEY_STORE_TEST_ROUNDS"
)

// runHelper runs the named helper and returns the process's exit code.
func runHelper(name string) int {
	var err error
	switch name {
	case "open":
		err = helperOpen()
	case "crash":
		err = helperCrash()
	case "writer":
		err = helperWriter()
	default:
		err = fmt.Errorf("unknown helper %q", name)
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	return 0
}

// helperOpen opens the database and says whether it could.
func helperOpen() error {
	s, err := Open(os.Getenv(dbEnv))
	if err != nil {
		return err
	}
	fmt.Println("ok")
	return s.Close()
}

// crashDelta is the i-th delta the crash helper streams.
func crashDelta(i int) string { return fmt.Sprintf("w%05d ", i) }

// helperCrash streams an answer forever, printing the index of each delta
// once the Saver has it, until the test kills it.
func helperCrash() error {
	s, err := Open(os.Getenv(dbEnv))
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, err := s.CreateConversation(ctx, Conversation{Title: "crash"})
	if err != nil {
		return err
	}
	if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: provider.RoleUser, Text: "go on"}); err != nil {
		return err
	}
	sv, err := s.StartAnswer(ctx, Message{ConversationID: c.ID, Model: "m"})
	if err != nil {
		return err
	}
	fmt.Println(c.ID)
	deadline := time.Now().Add(time.Minute) // never outlive a test that died
	for i := 0; time.Now().Before(deadline); i++ {
		sv.Chunk(provider.Chunk{Kind: provider.KindText, Text: crashDelta(i)})
		fmt.Println(i)
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("not killed within a minute")
}

// helperWriter saves rounds conversations of its own, each with a prompt
// and a streamed answer, and adds a message per round to a shared one.
func helperWriter() error {
	s, err := Open(os.Getenv(dbEnv))
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	name, shared := os.Getenv(nameEnv), os.Getenv(convEnv)
	rounds, _ := strconv.Atoi(os.Getenv(roundsEnv))
	for i := range rounds {
		tag := fmt.Sprintf("%s-%d", name, i)
		c, err := s.CreateConversation(ctx, Conversation{Title: tag})
		if err != nil {
			return err
		}
		if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: provider.RoleUser, Text: tag}); err != nil {
			return err
		}
		sv, err := s.StartAnswer(ctx, Message{ConversationID: c.ID})
		if err != nil {
			return err
		}
		sv.Text("answer ")
		sv.Text(tag)
		if _, err := sv.Finish(StatusComplete, nil); err != nil {
			return err
		}
		if _, err := s.AddMessage(ctx, Message{ConversationID: shared, Role: provider.RoleUser, Text: tag}); err != nil {
			return err
		}
	}
	return nil
}

// helperCmd returns a command that runs the named helper with env added.
// With asNobody it runs as user and group 65534, from a copy of the test
// binary that user can execute.
func helperCmd(t *testing.T, name string, asNobody bool, env ...string) *exec.Cmd {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if asNobody {
		bin = copyForAll(t, bin)
	}
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+name)
	cmd.Env = append(cmd.Env, env...)
	if asNobody {
		cmd.SysProcAttr = nobody()
	}
	return cmd
}

// copyForAll copies the file at path into a new directory everyone may
// read, and returns the copy's path.
func copyForAll(t *testing.T, path string) string {
	t.Helper()
	dir := worldDir(t)
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := filepath.Join(dir, filepath.Base(path))
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// worldDir makes a temporary directory that every user may enter.
func worldDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "parley-store-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o700)
			}
			return nil
		})
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// lines returns a channel of the lines r yields, closed at EOF.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 1024)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}
