package demo

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/chatserver"
)

// reasoningText is streamed as reasoning before the answer.
const reasoningText = "The user wants to see what Parley can show. " +
	"A short tour: a heading, a list, some code and a table will do."

// answerTemplate is the demo answer; %PROMPT% is replaced by the prompt.
const answerTemplate = "# Hello from the Parley demo\n\n" +
	"You asked: *%PROMPT%*\n\n" +
	"This answer comes from a server on **127.0.0.1**, streamed as Server-Sent Events and decoded " +
	"by the same code that reads OpenAI, Anthropic and Gemini. No network, no keys.\n\n" +
	"## What to try\n\n" +
	"- Press **Esc** while an answer streams to stop it and keep what arrived.\n" +
	"- Press **?** on an empty prompt for every key.\n" +
	"- Pipe a question in: `echo hi | parley -m demo`.\n\n" +
	"## Some code\n\n" +
	"```go\n" +
	"func greet(name string) string {\n" +
	"\treturn \"hello, \" + name\n" +
	"}\n" +
	"```\n\n" +
	"## A table\n\n" +
	"| provider | wire format |\n" +
	"| --- | --- |\n" +
	"| openai | SSE, `data: [DONE]` |\n" +
	"| anthropic | SSE, named events |\n" +
	"| ollama | NDJSON |\n\n" +
	"> Every word you see went through the real decoder.\n"

// Answer returns the demo's answer to prompt.
func Answer(prompt string) string {
	p := strings.Join(strings.Fields(prompt), " ")
	if p == "" {
		p = "(nothing)"
	}
	if utf8.RuneCountInString(p) > 80 {
		p = string([]rune(p)[:79]) + "…"
	}
	p = strings.NewReplacer("*", "", "`", "", "_", " ").Replace(p)
	return strings.Replace(answerTemplate, "%PROMPT%", p, 1)
}

// Tokens splits s into word-sized pieces that join back to s: each piece is
// a run of spaces or punctuation followed by a word, as a model's tokens
// roughly are.
func Tokens(s string) []string { return chatserver.Words(s) }

// answer is the demo's script for prompt: the reasoning, then the answer,
// one token every delay, then the usage.
func answer(prompt string, delay time.Duration) chatserver.Answer {
	toks := Tokens(Answer(prompt))
	return chatserver.Answer{
		Reasoning: Tokens(reasoningText),
		Tokens:    toks,
		Usage:     &chatserver.Usage{Prompt: len(Tokens(prompt)), Completion: len(toks)},
		Pause:     delay,
	}
}
