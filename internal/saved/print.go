package saved

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
	"github.com/parley-chat/parley/ui/markdown"
)

// show prints one conversation: rendered on a terminal, raw markdown when
// piped, the whole structure with --json.
func (c *Cmd) show(ctx context.Context, idOrPrefix string) error {
	conv, err := c.st.Get(ctx, idOrPrefix)
	if err != nil {
		return err
	}
	if c.json {
		conv.Messages = nonNil(conv.Messages)
		return c.writeJSON(conv)
	}
	md := transcript(conv)
	if !c.tty {
		_, err := fmt.Fprint(c.w, md)
		return err
	}
	r := markdown.New(markdown.Options{Width: min(c.width, 120), Style: c.style})
	r.Append(termsafe.Sanitize(md))
	_, err = fmt.Fprint(c.w, r.Render())
	return err
}

// transcript writes a conversation as markdown: its title, a line of facts,
// the system prompt, then each message after a rule and a bold line naming
// who wrote it (headings would compete with the answers' own), with the
// reasoning quoted before an answer and the status after one that did not
// complete.
func transcript(conv *store.Conversation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", conv.Title)
	fmt.Fprintf(&b, "`%s` · %s · %s\n\n", conv.ID, modelName(*conv), conv.CreatedAt.Format("2006-01-02 15:04"))
	if conv.System != "" {
		b.WriteString("**System prompt**\n\n" + quote(conv.System) + "\n")
	}
	for _, m := range conv.Messages {
		b.WriteString("---\n\n" + byline(conv, m) + "\n\n")
		if len(m.Attachments) > 0 {
			b.WriteString(attachedLine(m.Attachments) + "\n\n")
		}
		if m.Reasoning != "" {
			b.WriteString(quote("*Reasoning*\n\n"+m.Reasoning) + "\n")
		}
		if m.Text != "" {
			b.WriteString(strings.TrimRight(m.Text, "\n") + "\n\n")
		}
		if m.Status != store.StatusComplete && m.Status != "" {
			note := string(m.Status)
			if m.Error != "" {
				note += ": " + termsafe.OneLine(m.Error)
			}
			fmt.Fprintf(&b, "*(%s)*\n\n", note)
		}
	}
	return b.String()
}

// attachedLine lists a message's attachments by name and size, not their
// content: "*Attached:* `main.go` (1.2 KiB), `shot.png` (80 KiB)".
func attachedLine(files []store.Attachment) string {
	parts := make([]string, len(files))
	for i, f := range files {
		parts[i] = "`" + termsafe.OneLine(f.Name) + "` (" + attach.Size(f.Size) + ")"
	}
	return "*Attached:* " + strings.Join(parts, ", ")
}

// byline names who wrote a message, and for an answer the model, how long
// it took and how many tokens it cost.
func byline(conv *store.Conversation, m store.Message) string {
	switch m.Role {
	case provider.RoleUser:
		return "**You**"
	case provider.RoleAssistant:
	default:
		return "**" + string(m.Role) + "**"
	}
	facts := []string{"**Assistant**"}
	if name := cmp.Or(m.Model, conv.Model); name != "" {
		facts = append(facts, name)
	}
	if m.Duration > 0 {
		facts = append(facts, m.Duration.Round(100*time.Millisecond).String())
	}
	if u := m.Usage; u.InputTokens+u.OutputTokens > 0 {
		facts = append(facts, fmt.Sprintf("%d→%d tokens", u.InputTokens, u.OutputTokens))
	}
	return strings.Join(facts, " · ")
}

// quote makes s a markdown block quote.
func quote(s string) string {
	var b strings.Builder
	for line := range strings.Lines(strings.TrimRight(s, "\n") + "\n") {
		if strings.TrimSpace(line) == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + line)
		}
	}
	return b.String()
}

// searchLimit is how many matches --search prints.
const searchLimit = 50

// searchHit is a match as --json prints it: the store's Hit, with the
// snippet as plain text and the words that matched, in order.
type searchHit struct {
	store.Hit
	Snippet string   `json:"snippet"` // shadows the Hit's, which holds markers
	Matches []string `json:"matches"`
}

// search prints the messages that match text, best first, with the
// matching words highlighted: in reverse video on a terminal, between «
// and » when piped, listed apart with --json.
func (c *Cmd) search(ctx context.Context, text string) error {
	hits, err := c.st.Search(ctx, text, searchLimit)
	if err != nil {
		return err
	}
	if c.json {
		out := make([]searchHit, 0, len(hits))
		for _, h := range hits {
			sh := searchHit{Hit: h, Matches: []string{}}
			for _, f := range h.Fragments() {
				sh.Snippet += f.Text
				if f.Match {
					sh.Matches = append(sh.Matches, f.Text)
				}
			}
			out = append(out, sh)
		}
		return c.writeJSON(out)
	}
	if len(hits) == 0 && c.tty {
		_, err := fmt.Fprintf(c.w, "No matches for %q.\n", termsafe.Cell(text))
		return err
	}
	for _, h := range hits {
		if err := c.printHit(h); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cmd) printHit(h store.Hit) error {
	var snip strings.Builder
	for _, f := range h.Fragments() {
		switch {
		case !f.Match:
			snip.WriteString(c.text(f.Text))
		case c.tty:
			snip.WriteString(reverse(termsafe.Cell(f.Text)))
		default:
			snip.WriteString("«" + termsafe.OneLine(f.Text) + "»")
		}
	}
	if !c.tty {
		in := ""
		if h.Attachment != "" {
			in = termsafe.OneLine(h.Attachment) + ": "
		}
		_, err := fmt.Fprintf(c.w, "%s\t%d\t%s\t%s\t%s%s\n", h.ConversationID, h.Seq, h.Role, termsafe.OneLine(h.Title), in, snip.String())
		return err
	}
	who := "you"
	if h.Role != provider.RoleUser {
		who = string(h.Role)
	}
	if h.Attachment != "" {
		who += ", in " + termsafe.Cell(h.Attachment)
	}
	_, err := fmt.Fprintf(c.w, "%s  %s  (%s, %s)\n    %s\n", bold(store.ShortID(h.ConversationID)),
		ansi.Truncate(termsafe.Cell(h.Title), max(c.width-30, 20), "…"), who, ago(h.CreatedAt, c.now), snip.String())
	return err
}
