package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
)

// answerOf returns a markdown answer of about n words: paragraphs, with a
// list every 120 words and a code block every 200.
func answerOf(n int) string {
	var b strings.Builder
	for w := 0; w < n; w++ {
		switch {
		case w%120 == 0 && w > 0:
			b.WriteString("\n\n- a list item with **bold** text\n- another item\n\n")
		case w%200 == 100:
			b.WriteString("\n\n```go\nfunc f() int {\n\treturn 42\n}\n```\n\n")
		}
		fmt.Fprintf(&b, "word%d ", w)
	}
	return b.String()
}

// historyOf returns a conversation of about tokens words, in answers of
// 500 words.
func historyOf(tokens int) []provider.Message {
	var msgs []provider.Message
	for n := 0; n < tokens; n += 500 {
		msgs = append(msgs,
			provider.Message{Role: provider.RoleUser, Content: "question " + fmt.Sprint(n)},
			provider.Message{Role: provider.RoleAssistant, Content: answerOf(min(500, tokens-n))})
	}
	return msgs
}

// streamingModel returns a chat at 120×40 showing history, with an answer
// streaming: its exchange is open, as after the provider returned.
func streamingModel(b *testing.B, history int) *Model {
	m := New(Options{
		Provider: &fakeProvider{}, Model: "bench:model", Theme: ThemeDark, Now: fixedNow,
		Request: provider.Request{Messages: historyOf(history)},
	})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m.Update(streamOpenedMsg{gen: m.ex.gen})
	if !m.ex.running() {
		b.Fatal("the exchange did not start")
	}
	return m
}

// deliver gives m's streaming answer text, a word a batch, and renders a
// frame.
func deliver(m *Model, text string) {
	for _, w := range strings.SplitAfter(text, " ") {
		if w != "" {
			m.Update(chunksMsg{gen: m.ex.gen, chunks: []provider.Chunk{{Kind: provider.KindText, Text: w}}})
		}
	}
	m.Update(frameMsg{gen: m.ex.gen})
}

// frames measures b.N frames of m's streaming answer, each a delta and
// the frame that renders it (and View when view is set).
func frames(b *testing.B, m *Model, view bool) {
	delta := []provider.Chunk{{Kind: provider.KindText, Text: "more "}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(chunksMsg{gen: m.ex.gen, chunks: delta})
		m.Update(frameMsg{gen: m.ex.gen})
		if view {
			_ = m.View()
		}
	}
}

// BenchmarkFrame measures one frame of a streaming answer (a batch of
// deltas, then the frame that renders it, then View) as the conversation
// above it grows. A frame should cost the visible window and the streaming
// answer, not the history.
func BenchmarkFrame(b *testing.B) {
	for _, history := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			m := streamingModel(b, history)
			// An answer of about 200 words is already on screen.
			deliver(m, strings.Repeat("tok ", 200))
			frames(b, m, true)
		})
	}
}

// BenchmarkView measures View alone, which Bubble Tea calls after every
// message: it must only assemble cached strings.
func BenchmarkView(b *testing.B) {
	for _, history := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			m := streamingModel(b, history)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = m.View()
			}
		})
	}
}

// BenchmarkChunks measures the hot path between frames: a batch of deltas
// is applied without rendering.
func BenchmarkChunks(b *testing.B) {
	m := streamingModel(b, 100)
	delta := []provider.Chunk{{Kind: provider.KindText, Text: "tok "}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(chunksMsg{gen: m.ex.gen, chunks: delta})
	}
}

// BenchmarkFrameLongAnswer measures a frame while the streaming answer
// itself is long (about 100 and 10,000 words): the cost the incremental
// markdown renderer bounds.
func BenchmarkFrameLongAnswer(b *testing.B) {
	for _, words := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("answer=%d", words), func(b *testing.B) {
			m := streamingModel(b, 0)
			deliver(m, answerOf(words))
			frames(b, m, false)
		})
	}
}

// BenchmarkOpen measures showing a saved conversation of 100,000 words:
// New and the first window size, which render only what is visible.
func BenchmarkOpen(b *testing.B) {
	history := historyOf(100_000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := New(Options{Provider: &fakeProvider{}, Model: "bench:model", Theme: ThemeDark,
			Request: provider.Request{Messages: history}})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	}
}

// BenchmarkResize measures re-wrapping a 100,000-word conversation after
// its width changed and settled.
func BenchmarkResize(b *testing.B) {
	m := streamingModel(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(tea.WindowSizeMsg{Width: 100 + i%2*20, Height: 40})
		m.Update(resizeSettledMsg{seq: m.resizeSeq})
	}
}

// BenchmarkEndToEnd measures prompt sent → last token on screen for an
// answer streamed as fast as the provider can (2,000 and 10,000 words),
// through the whole program: channel, coalescing, frames, rendering.
func BenchmarkEndToEnd(b *testing.B) {
	for _, n := range []int{2_000, 10_000} {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			script := words(answerOf(n))
			last := strings.TrimSpace(script[len(script)-1].Text)
			for i := 0; i < b.N; i++ {
				h := startB(b, Options{Provider: &fakeProvider{script: script}})
				h.tm.Type("q")
				h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
				for {
					s := h.screen()
					if strings.Contains(s, " done ") && strings.Contains(s, last) {
						break
					}
				}
				b.StopTimer()
				h.quit()
				b.StartTimer()
			}
		})
	}
}
