package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmark database: benchConversations conversations of
// benchPerConversation messages each (100,000 messages), written once per
// test binary in one transaction and shared by the benchmarks.
const (
	benchConversations   = 10_000
	benchPerConversation = 10
)

var bench struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// benchStore opens the shared benchmark database, building it on first use.
func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.once.Do(func() {
		if bench.path = os.Getenv("PARLEY_BENCH_DB"); bench.path != "" {
			if _, err := os.Stat(bench.path); err == nil {
				return // built by an earlier run
			}
		} else {
			bench.dir, bench.err = os.MkdirTemp("", "parley-store-bench-")
			if bench.err != nil {
				return
			}
			bench.path = filepath.Join(bench.dir, "parley.db")
		}
		start := time.Now()
		bench.err = buildBenchDB(bench.path)
		fmt.Fprintf(os.Stderr, "bench: %d conversations, %d messages written in %v\n",
			benchConversations, benchConversations*benchPerConversation, time.Since(start).Round(time.Millisecond))
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	s, err := Open(bench.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// removeBenchDB deletes the shared benchmark database, if one was built.
func removeBenchDB() {
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
}

// words is a vocabulary drawn with a Zipf distribution, so that some words
// are in most messages and most words in few, as in real text.
var words = func() []string {
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]string, 20_000)
	for i := range w {
		n := 2 + r.IntN(9)
		var b strings.Builder
		for range n {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		w[i] = b.String()
	}
	return w
}()

// sentence returns n words of generated text.
func sentence(r *rand.Rand, z *rand.Zipf, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[z.Uint64()])
	}
	return b.String()
}

// benchBatch is how many conversations buildBenchDB writes per statement.
// FTS5 writes its pending index to disk at the end of every statement, so
// one message per statement, as Parley saves them, would spend a minute
// merging tiny segments; batches give the index the same merged shape in
// seconds.
const benchBatch = 50

func buildBenchDB(path string) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r := rand.New(rand.NewPCG(3, 4))
	z := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	t0 := time.Now().Add(-benchConversations * time.Minute).UnixMilli()
	var convs, msgs []any
	for i := range benchConversations {
		id := newID()
		at := t0 + int64(i)*60_000
		prompt := sentence(r, z, 5+r.IntN(30))
		convs = append(convs, id, Title(prompt), at, at)
		for j := range benchPerConversation {
			role, text := "user", prompt
			if j > 0 {
				text = sentence(r, z, 5+r.IntN(30))
			}
			if j%2 == 1 {
				role, text = "assistant", sentence(r, z, 40+r.IntN(160))
			}
			msgs = append(msgs, id, j+1, role, text, at)
		}
		if (i+1)%benchBatch == 0 || i == benchConversations-1 {
			if err := insertRows(ctx, tx, `INSERT INTO conversations
				(id, title, created_at, updated_at) VALUES `, 4, convs); err != nil {
				return err
			}
			if err := insertRows(ctx, tx, `INSERT INTO messages
				(conversation_id, seq, role, text, created_at) VALUES `, 5, msgs); err != nil {
				return err
			}
			convs, msgs = convs[:0], msgs[:0]
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET model = 'gpt-4o-mini', provider = 'openai'`); err != nil {
		return err
	}
	return tx.Commit()
}

// insertRows runs one INSERT of len(args)/width rows.
func insertRows(ctx context.Context, tx *sql.Tx, insert string, width int, args []any) error {
	row := "(?" + strings.Repeat(", ?", width-1) + ")"
	rows := strings.Repeat(row+", ", len(args)/width-1) + row
	_, err := tx.ExecContext(ctx, insert+rows, args...)
	return err
}

// BenchmarkList lists all 10,000 conversations, as --list does.
func BenchmarkList(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	cpu := cpuTime()
	for b.Loop() {
		list, err := s.List(ctx, 0)
		if err != nil || len(list) != benchConversations {
			b.Fatalf("List: %d, %v", len(list), err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the CPU time per operation since start: on a shared,
// loaded machine it says what an operation costs better than the wall time,
// which includes waiting for a core.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSearch searches the 100,000 messages for a word in most of them,
// a word in few, and two words together, as --search does (50 hits).
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, q := range []struct{ name, query string }{
		{"common", words[2]},
		{"rare", words[5000]},
		{"two-words", words[3] + " " + words[40]},
	} {
		b.Run(q.name, func(b *testing.B) {
			hits, err := s.Search(ctx, q.query, searchLimitForBench)
			if err != nil {
				b.Fatal(err)
			}
			cpu := cpuTime()
			for b.Loop() {
				if _, err := s.Search(ctx, q.query, searchLimitForBench); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(len(hits)), "hits")
			b.ReportMetric(float64(matches(b, s, q.query)), "matches")
		})
	}
}

// searchLimitForBench is what --search asks for.
const searchLimitForBench = 50

// BenchmarkSaverDelta is the cost of one streamed delta to the code that
// reads the stream: what Saver.Text costs, background writes excluded.
func BenchmarkSaverDelta(b *testing.B) {
	s := openTemp(b)
	c := addConversation(b, s, "question")
	sv, err := s.StartAnswer(context.Background(), Message{ConversationID: c.ID})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sv.Text("token ")
	}
	b.StopTimer()
	if _, err := sv.Finish(StatusComplete, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSaverFlush is one background write of an answer of the given
// size (the UPDATE and the reindexing of its text), which a Saver does at
// most once a second, off the stream's goroutine.
func BenchmarkSaverFlush(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s := openTemp(b)
			c := addConversation(b, s, "question")
			m, err := s.AddMessage(context.Background(), Message{ConversationID: c.ID, Role: "assistant"})
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(5, 6))
			z := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
			text := sentence(r, z, size/6)[:size]
			i := 0
			for b.Loop() {
				i++
				m.Text = text[:len(text)-i%64] // the text changes every time
				if err := s.UpdateMessage(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// matches counts the messages a query matches, ranked or not.
func matches(b *testing.B, s *Store, text string) int {
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, ftsQuery(text)).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}
