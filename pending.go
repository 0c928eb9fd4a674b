package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"
)

// This file holds what waits on packages still being built; each piece
// says what it waits for.

// runChat opens the full-screen chat (waits on package ui).
func runChat(context.Context, *environment, settings, *wiring, *conversation) error {
	return errors.New("the interactive chat is not built yet; use -p for a one-shot answer")
}

// subcommands are the root command's subcommands (sse waits on its command).
func subcommands() []*cobra.Command { return nil }

// runStoreCommands runs --list, --show, --delete and --search (waits on
// package store). It reports whether one of them was asked for.
func runStoreCommands(_ context.Context, _ *environment, f *flags, _ settings) (bool, error) {
	if f.list || f.show != "" || f.del != "" || f.search != "" {
		return true, usageErrorf("saved conversations are not available yet")
	}
	return false, nil
}

// sanitize removes terminal control sequences from model text (to be
// replaced by the markdown package's streaming sanitizer): ESC and every
// C0/C1 control but newline and tab.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
