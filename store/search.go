package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/parley-chat/parley/provider"
)

// Snippet highlight markers: Unicode private-use characters, chosen because
// chat text does not use them.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// Hit is one message that matched a search.
type Hit struct {
	ConversationID string        `json:"conversation_id"`
	Title          string        `json:"title"`
	MessageID      int64         `json:"message_id"`
	Seq            int           `json:"seq"`
	Role           provider.Role `json:"role"`
	CreatedAt      time.Time     `json:"created_at"`
	// Snippet is an excerpt of the message around the matches, with each
	// match between MarkStart and MarkEnd, and "…" where text was cut.
	Snippet string `json:"snippet"`
	// Rank is the bm25 score: lower is a better match.
	Rank float64 `json:"rank"`
	// Attachment names the attached file the match is in, when it is in
	// one rather than in the message's own text.
	Attachment string `json:"attachment,omitempty"`
}

// Fragments splits the snippet into its plain and matching parts, in order.
func (h Hit) Fragments() []Fragment {
	var out []Fragment
	rest := h.Snippet
	for rest != "" {
		i := strings.Index(rest, MarkStart)
		if i < 0 {
			out = append(out, Fragment{Text: rest})
			break
		}
		if i > 0 {
			out = append(out, Fragment{Text: rest[:i]})
		}
		rest = rest[i+len(MarkStart):]
		j := strings.Index(rest, MarkEnd)
		if j < 0 {
			j = len(rest)
		}
		out = append(out, Fragment{Text: rest[:j], Match: true})
		rest = strings.TrimPrefix(rest[j:], MarkEnd)
	}
	return out
}

// Fragment is a piece of a snippet; Match tells whether it matched the query.
type Fragment struct {
	Text  string
	Match bool
}

// snippetTokens is how many tokens, at most, a snippet holds.
const snippetTokens = 16

// searchWindow is how many of the newest matching messages Search ranks.
// Ranking costs time for every candidate; the window keeps a search for a
// word found in most messages under 100 ms (see BENCH.md), and changes
// nothing for a search with fewer matches.
var searchWindow = 2000

// Search finds the messages whose text contains every word of text,
// best match first (bm25, among the newest 2,000 matches), and returns up
// to limit of them (20 when limit <= 0). Words match whatever their case,
// accents or English inflection ("running" finds "run"). Query syntax in
// text (quotes, AND, OR, NEAR, column filters, prefix stars) is taken
// literally: prefix searches are left out because, without a prefix index,
// a short prefix costs seconds on a large database.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]Hit, error) {
	query := ftsQuery(text)
	if query == "" {
		return nil, fmt.Errorf("%w in %q", ErrNoTerms, text)
	}
	if limit <= 0 {
		limit = 20
	}
	// Rank the newest matches and keep the best; then make their snippets
	// in one more pass over the matches from the oldest of the best on (a
	// lookup per hit would seek through the index fifty times).
	rows, err := s.db.QueryContext(ctx, `
		WITH recent AS (
			SELECT rowid AS id, bm25(messages_fts) AS rank FROM messages_fts
			WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2
		), best AS MATERIALIZED (
			SELECT id, rank FROM recent ORDER BY rank, id DESC LIMIT ?3
		)
		SELECT m.conversation_id, c.title, m.id, m.seq, m.role, m.created_at,
			snippet(messages_fts, 0, ?4, ?5, '…', ?6), best.rank, ''
		FROM messages_fts
		CROSS JOIN best ON best.id = messages_fts.rowid
		JOIN messages m ON m.id = best.id
		JOIN conversations c ON c.id = m.conversation_id
		WHERE messages_fts MATCH ?1 AND messages_fts.rowid >= (SELECT min(id) FROM best)
		ORDER BY best.rank, best.id DESC`,
		query, searchWindow, limit, MarkStart, MarkEnd, snippetTokens)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", text, err)
	}
	hits, err := scanHits(rows)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", text, err)
	}
	inFiles, err := s.searchAttachments(ctx, query, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", text, err)
	}
	if len(inFiles) == 0 {
		return hits, nil
	}
	hits = append(hits, inFiles...)
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(a.Rank, b.Rank) })
	return hits[:min(len(hits), limit)], nil
}

// searchAttachments finds the attached text files that match query, best
// first, up to limit of them, as hits on the messages they were sent with.
func (s *Store) searchAttachments(ctx context.Context, query string, limit int) ([]Hit, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT m.conversation_id, c.title, m.id, m.seq, m.role, m.created_at,
			snippet(attachments_fts, 0, ?2, ?3, '…', ?4), bm25(attachments_fts), a.name
		FROM attachments_fts
		JOIN attachments a ON a.id = attachments_fts.rowid
		JOIN messages m ON m.id = a.message_id
		JOIN conversations c ON c.id = m.conversation_id
		WHERE attachments_fts MATCH ?1
		ORDER BY bm25(attachments_fts), a.id DESC LIMIT ?5`,
		query, MarkStart, MarkEnd, snippetTokens, limit)
	if err != nil {
		return nil, err
	}
	return scanHits(rows)
}

// scanHits reads the hits of a search query and closes rows.
func scanHits(rows *sql.Rows) ([]Hit, error) {
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var created int64
		if err := rows.Scan(&h.ConversationID, &h.Title, &h.MessageID, &h.Seq, &h.Role,
			&created, &h.Snippet, &h.Rank, &h.Attachment); err != nil {
			return nil, err
		}
		h.CreatedAt = fromMillis(created)
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// ftsQuery turns what a person typed into an FTS5 query that cannot be a
// syntax error: each space-separated word becomes a quoted string (so
// "don't" or "c++" search for what they say), all of them required.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		if hasWordChar(w) {
			terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	return strings.Join(terms, " ")
}

// hasWordChar reports whether w has a letter or digit, the only characters
// the tokenizer indexes; a term without one matches nothing and FTS5
// rejects it.
func hasWordChar(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}
