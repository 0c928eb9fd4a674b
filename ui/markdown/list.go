package markdown

import "strings"

// Long lists
//
// A list has no boundary the scanner may cut at (its next item would join
// it), so a long one would be rendered whole at every frame. The listCache
// renders it in chunks of items instead, the way codeCache does for code:
// the output for the items from b on is produced by rendering the item
// before b (the context item, which carries the list's kind, looseness and
// numbering) followed by the items from b on, and dropping the context
// item's output. Where that output starts is found by rendering the context
// item followed by two different dummy items: what the two renders share,
// up to its last newline, is the context's part.
//
// A cut is accepted only after the same check as for code: the output for
// the listLookahead lines after b must be the same when rendered from the
// context item as from the previous cut. As for code, the final frame after
// Finish is an exact full render.

const (
	listChunk     = 6 // items in a chunk, at least
	listLookahead = 3 // finished lines needed after a cut to check it
)

// listCache holds the finished chunks of the open piece when it holds a
// long list that starts in column 0.
type listCache struct {
	start  int   // doneEnd when the cache was built
	built  bool  // start is set
	items  []int // offsets in the piece of the item lines read so far
	seen   int   // the piece has been read for items up to here
	tried  int
	chunks // accepted cuts (offsets of item lines) and their output

	headCtx, head string // the output of a context item, and that item
}

// render returns the output of the open piece src after its last accepted
// cut, like codeCache.render.
func (c *listCache) render(r *Renderer, src string) (rest string, ok bool) {
	if !c.built || c.start != r.doneEnd || c.seen > len(src) {
		*c = listCache{start: r.doneEnd, built: true, chunks: chunks{tail: r.doneTail}}
	}
	if r.scan.poisoned {
		return "", false
	}
	c.read(src)
	for c.extend(r, src) {
	}
	for len(c.cuts) > 0 {
		if rest, ok := c.from(r, src, c.cuts[len(c.cuts)-1], len(src)); ok {
			return rest, true
		}
		c.pop()
	}
	return "", false
}

// read records the item lines (list markers in column 0) completed since
// the last call.
func (c *listCache) read(src string) {
	for {
		i := strings.IndexByte(src[c.seen:], '\n')
		if i < 0 {
			return
		}
		if listMarker(src[c.seen:c.seen+i]) > 0 {
			c.items = append(c.items, c.seen)
		}
		c.seen += i + 1
	}
}

// extend tries to accept one more cut, and reports whether it did.
func (c *listCache) extend(r *Renderer, src string) bool {
	from, k := 0, 0 // the last cut, and the index of its item
	if n := len(c.cuts); n > 0 {
		from = c.cuts[n-1]
		for c.items[k] != from {
			k++
		}
	}
	for k += listChunk; k < len(c.items); k++ {
		b := c.items[k]
		if b <= c.tried {
			continue
		}
		end := lineAfter(src, b, listLookahead)
		if end < 0 || end > c.seen {
			return false
		}
		c.tried = b
		return c.check(r, src, from, b, end, c.items[k-1])
	}
	return false
}

// check accepts the cut b if the output for the lines from b to end is the
// same rendered after the context item at ctx as after the previous cut.
func (c *listCache) check(r *Renderer, src string, from, b, end, ctx int) bool {
	whole, ok := c.from(r, src, from, end)
	if !ok {
		return false
	}
	after, ok := c.fromCtx(r, src, ctx, b, end)
	if !ok || len(after) >= len(whole) || !strings.HasSuffix(whole, after) {
		return false
	}
	chunk := whole[:len(whole)-len(after)]
	if !strings.HasSuffix(chunk, "\n") {
		return false
	}
	c.push(b, chunk)
	return true
}

// from renders the output for the piece from offset b (0, or a cut) to end.
func (c *listCache) from(r *Renderer, src string, b, end int) (string, bool) {
	if b == 0 {
		out, err := r.eng.piece(r.doneEnd == 0, r.doneTail, src[:end])
		return out, err == nil
	}
	k := 0
	for c.items[k+1] != b {
		k++
	}
	return c.fromCtx(r, src, c.items[k], b, end)
}

// fromCtx renders the output for src[b:end] after the context item src[ctx:b].
func (c *listCache) fromCtx(r *Renderer, src string, ctx, b, end int) (string, bool) {
	item := src[ctx:b]
	if c.headCtx != item || c.head == "" {
		head, ok := c.headOf(r, item)
		if !ok {
			return "", false
		}
		c.headCtx, c.head = item, head
	}
	out, err := r.eng.piece(true, "", item+src[b:end])
	if err != nil || !strings.HasPrefix(out, c.head) {
		return "", false
	}
	return out[len(c.head):], true
}

// headOf returns the output of a document made of the item alone, as it is
// when more items follow: up to the newline before the next item's output.
func (c *listCache) headOf(r *Renderer, item string) (string, bool) {
	marker := item[:listMarker(item)]
	if !strings.HasSuffix(item, "\n") {
		return "", false
	}
	a, err1 := r.eng.piece(true, "", item+marker+"q\n")
	b, err2 := r.eng.piece(true, "", item+marker+"w\n")
	if err1 != nil || err2 != nil {
		return "", false
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	head := a[:strings.LastIndexByte(a[:n], '\n')+1]
	return head, head != ""
}
