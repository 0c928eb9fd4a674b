package openai

import (
	"strings"

	"github.com/parley-chat/parley/provider"
)

const (
	openTag  = "<think>"
	closeTag = "</think>"
)

// thinkSplitter moves a <think>…</think> block that opens the content (as
// DeepSeek-R1, QwQ and Qwen3 write it when served raw) to the reasoning.
// Only a block at the very start counts, after optional whitespace, so an
// answer that talks about the tag is left alone. Tags may be split across
// deltas: a possible tag prefix is held back until it is decided.
type thinkSplitter struct {
	state   int    // one of the states below
	pending string // held back: a possible tag prefix
}

const (
	thinkStart = iota // nothing but whitespace so far
	thinkIn           // inside the block
	thinkAfter        // just after </think>: leading blank lines dropped
	thinkText         // plain text from here on
)

// feed routes a content delta; it reports false when s went away.
func (t *thinkSplitter) feed(delta string, s provider.Sink) bool {
	if delta == "" {
		return true
	}
	switch t.state {
	case thinkText:
		return s.Text(delta)
	case thinkAfter:
		delta = strings.TrimLeft(delta, "\r\n")
		if delta == "" {
			return true
		}
		t.state = thinkText
		return s.Text(delta)
	case thinkStart:
		buf := t.pending + delta
		trimmed := strings.TrimLeft(buf, " \t\r\n")
		switch {
		case strings.HasPrefix(trimmed, openTag):
			t.state, t.pending = thinkIn, ""
			return t.feed(trimmed[len(openTag):], s)
		case strings.HasPrefix(openTag, trimmed):
			t.pending = buf // undecided: "", "<", "<thi"...
			return true
		}
		t.state, t.pending = thinkText, ""
		return s.Text(buf)
	}
	// thinkIn
	buf := t.pending + delta
	if i := strings.Index(buf, closeTag); i >= 0 {
		t.state, t.pending = thinkAfter, ""
		return s.Reasoning(buf[:i]) && t.feed(buf[i+len(closeTag):], s)
	}
	keep := partialSuffix(buf, closeTag)
	t.pending = buf[len(buf)-keep:]
	return s.Reasoning(buf[:len(buf)-keep])
}

// flush emits what is held back at the end of the answer: an unfinished
// tag prefix is text, an unclosed block's tail is reasoning.
func (t *thinkSplitter) flush(s provider.Sink) bool {
	p := t.pending
	t.pending = ""
	if t.state == thinkIn {
		return s.Reasoning(p)
	}
	return s.Text(p)
}

// partialSuffix returns the length of the longest suffix of s that is a
// proper prefix of tag.
func partialSuffix(s, tag string) int {
	for n := min(len(tag)-1, len(s)); n > 0; n-- {
		if strings.HasSuffix(s, tag[:n]) {
			return n
		}
	}
	return 0
}
