package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parley-chat/parley/provider"
)

// Status tells how a message ended.
type Status string

// The statuses of a message. A partial answer is kept with StatusStopped or
// StatusFailed, never discarded.
const (
	// StatusComplete is an answer the model finished.
	StatusComplete Status = "complete"
	// StatusStopped is an answer the user stopped; its text is what arrived.
	StatusStopped Status = "stopped"
	// StatusFailed is an answer that failed (a network fault, a timeout,
	// an error from the provider, or a crash of Parley); Error says why.
	StatusFailed Status = "failed"
)

// Unfinished is the error text of an answer while it streams. A crash of
// Parley leaves it in place, so an answer cut short by kill -9 reads as
// failed with this reason.
const Unfinished = "unfinished: Parley stopped before the answer was complete"

// StatusFor returns the status of an answer that ended with err: complete
// for nil, stopped for a cancellation (the user pressed Esc or Ctrl+C),
// failed for anything else, a timeout included.
func StatusFor(err error) Status {
	switch {
	case err == nil:
		return StatusComplete
	case errors.Is(err, context.Canceled):
		return StatusStopped
	}
	return StatusFailed
}

// Conversation is one saved conversation. Messages is filled by Get and
// Latest; List leaves it nil and sets MessageCount.
type Conversation struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Model        string    `json:"model"`
	Provider     string    `json:"provider"`
	System       string    `json:"system,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	MessageCount int       `json:"message_count"`
	Messages     []Message `json:"messages,omitempty"`
}

// Message is one message of a conversation.
type Message struct {
	ID             int64          `json:"id"`
	ConversationID string         `json:"conversation_id"`
	Seq            int            `json:"seq"`
	Role           provider.Role  `json:"role"`
	Text           string         `json:"text"`
	Reasoning      string         `json:"reasoning,omitempty"`
	Model          string         `json:"model,omitempty"`
	Provider       string         `json:"provider,omitempty"`
	TimeToFirst    time.Duration  `json:"time_to_first_token_ns,omitempty"`
	Duration       time.Duration  `json:"duration_ns,omitempty"`
	Usage          provider.Usage `json:"usage"`
	Status         Status         `json:"status"`
	Error          string         `json:"error,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`

	// Thinking is how long the model reasoned: from its first reasoning
	// delta to the first words of the answer after it (or to its last
	// reasoning delta when no words followed). 0 without reasoning.
	Thinking time.Duration `json:"thinking_ns,omitempty"`
	// Attachments are the files sent with the message (a prompt's), in
	// the order attached.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// titleLen is the longest title, in characters, that Title makes.
const titleLen = 60

// Title makes a conversation's title from its first prompt: the first line
// that has text in it, with runs of spaces folded, cut at a word boundary
// to at most 60 characters with "…" when it was longer.
func Title(prompt string) string {
	var line string
	for l := range strings.Lines(prompt) {
		if line = strings.Join(strings.Fields(l), " "); line != "" {
			break
		}
	}
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, line)
	if line == "" {
		return "(untitled)"
	}
	if utf8.RuneCountInString(line) <= titleLen {
		return line
	}
	runes := []rune(line)[:titleLen-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > titleLen/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " .,;:") + "…"
}

// millis converts a time to the Unix milliseconds the database keeps.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis converts Unix milliseconds from the database to a local time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms) }
