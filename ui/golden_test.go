package ui

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/openai"
)

// The golden screens are plain text (escape sequences stripped) at fixed
// sizes with a fixed clock; refresh them with go test ./ui -run Golden -update.

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

const codeAnswer = "Use `strings.Fields` to split on any run of spaces:\n\n" +
	"```go\nfunc words(s string) []string {\n\treturn strings.Fields(s)\n}\n```\n\n" +
	"It returns an **empty slice** for a blank string.\n"

func eachSize(t *testing.T, fn func(t *testing.T, w, h int)) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) { fn(t, sz.w, sz.h) })
	}
}

// checkScreen compares screen with its golden file and checks that no
// line is wider than the terminal.
func checkScreen(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > w {
			t.Errorf("line %d is %d cells wide, terminal is %d: %q", i+1, n, w, l)
		}
	}
	golden.RequireEqual(t, []byte(screen))
}

func TestGoldenEmpty(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		hs := start(t, Options{Provider: &fakeProvider{}}, w, h)
		s := hs.waitText("Ask anything")
		checkScreen(t, s, w, h)
		hs.quit()
	})
}

func TestGoldenHelp(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		hs := start(t, Options{Provider: &fakeProvider{}}, w, h)
		hs.waitText("Ask anything")
		hs.press(tea.KeyF1, 0)
		s := hs.waitText("edit in $EDITOR")
		checkScreen(t, s, w, h)
		hs.quit()
	})
}

func TestGoldenMidStream(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		script := []provider.Chunk{
			{Kind: provider.KindReasoning, Text: "The user wants "},
			{Kind: provider.KindReasoning, Text: "a plan."},
		}
		script = append(script, words("## A plan\n\n1. Read the **design**.\n2. Write the tests first, then")...)
		f := &fakeProvider{script: script, release: make(chan struct{})}
		hs := start(t, Options{Provider: f}, w, h)
		hs.typeText("Plan the work")
		hs.press(tea.KeyEnter, 0)
		s := hs.waitText("first, then")
		checkScreen(t, s, w, h)
		hs.press(tea.KeyEscape, 0)
		hs.waitText("stopped")
		hs.quit()
	})
}

func TestGoldenCodeAnswer(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		srv := sseServer(t, codeAnswer)
		p := openai.New(provider.Endpoint{Name: "local", BaseURL: srv.URL + "/v1"}, provider.Options{
			HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
			Retry:      &provider.RetryPolicy{},
		})
		hs := start(t, Options{Provider: p, Model: "local:test", Request: provider.Request{Model: "test"}}, w, h)
		hs.typeText("How do I split words in Go?")
		hs.press(tea.KeyEnter, 0)
		s := hs.waitFor("the finished answer", func(s string) bool {
			return strings.Contains(s, "done") && strings.Contains(s, "blank string")
		})
		checkScreen(t, s, w, h)
		hs.quit()
	})
}

func TestGoldenError(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		script := words("The answer starts well and then")
		script = append(script, provider.Chunk{Kind: provider.KindError, Err: &provider.LostError{
			Deltas: len(script), Err: io.ErrUnexpectedEOF,
		}})
		hs := start(t, Options{Provider: &fakeProvider{script: script}}, w, h)
		hs.typeText("Tell me")
		hs.press(tea.KeyEnter, 0)
		s := hs.waitText("Connection lost")
		checkScreen(t, s, w, h)
		hs.quit()
	})
}

// sseServer answers every chat completion with answer, one word per event,
// in OpenAI's streaming format (internal/chatserver).
func sseServer(t *testing.T, answer string) *httptest.Server {
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Answer: chatserver.Answer{
		Tokens: strings.SplitAfter(answer, " "), Usage: &chatserver.Usage{Prompt: 12, Completion: 40},
	}}))
	t.Cleanup(srv.Close)
	return srv
}
