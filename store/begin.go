package store

import (
	"context"
	"time"

	"github.com/parley-chat/parley/provider"
)

// Exchange is what Begin needs to start saving one exchange: a prompt and
// the answer that follows it.
type Exchange struct {
	// ConversationID is the conversation the exchange goes to; empty for a
	// new one, titled after the prompt.
	ConversationID string
	Prompt         string
	Model          string // the provider's model name
	Provider       string
	System         string // the system prompt of a new conversation
	// Attachments are the files sent with the prompt, saved with it.
	Attachments []provider.Attachment

	// Replace makes an exchange that takes the place of the end of its
	// conversation, from the message whose Seq is From on (nothing when
	// From <= 0); see ReplaceAnswer. It applies only to an existing
	// conversation.
	Replace bool
	From    int

	// Now is the clock the answer's thinking time is measured with; nil
	// means time.Now.
	Now func() time.Time
}

// Begun is where Begin saved an exchange.
type Begun struct {
	ConversationID string // empty when not even the conversation was saved
	PromptSeq      int    // the Seq of the saved prompt; 0 when not saved (yet)
	Saver          *Saver // keeps the answer; nil when it could not be started
}

// Begin starts saving an exchange: it creates the conversation when it is
// new, saves the prompt and the start of the answer, and returns the Saver
// that keeps the rest of the answer. An exchange that replaces others
// (e.Replace) writes nothing yet: its Saver writes the prompt and the
// answer with the answer's first words, and its PromptSeq is known from
// Saver.PromptSeq once Saver.Placed is closed. Whichever it is, a caller
// that waits for Placed reads the prompt's Seq from the Saver. On an
// error, Begun says
// what was saved before it.
func (s *Store) Begin(ctx context.Context, e Exchange) (Begun, error) {
	b := Begun{ConversationID: e.ConversationID}
	prompt := Message{ConversationID: b.ConversationID, Role: provider.RoleUser, Text: e.Prompt,
		Attachments: AttachmentsOf(e.Attachments)}
	answer := Message{ConversationID: b.ConversationID, Model: e.Model, Provider: e.Provider}
	if e.Replace && b.ConversationID != "" {
		b.Saver = s.ReplaceAnswer(ctx, prompt, answer, e.From)
		b.Saver.setClock(e.Now)
		return b, nil
	}
	if b.ConversationID == "" {
		c, err := s.CreateConversation(ctx, Conversation{
			Title: Title(e.Prompt), Model: e.Model, Provider: e.Provider, System: e.System,
		})
		if err != nil {
			return b, err
		}
		b.ConversationID = c.ID
		prompt.ConversationID, answer.ConversationID = c.ID, c.ID
	}
	u, err := s.AddMessage(ctx, prompt)
	if err != nil {
		return b, err
	}
	b.PromptSeq = u.Seq
	b.Saver, err = s.StartAnswer(ctx, answer)
	if err != nil {
		return b, err
	}
	b.Saver.promptSeq = u.Seq
	b.Saver.setClock(e.Now)
	return b, nil
}
