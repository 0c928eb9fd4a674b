package main

import (
	"context"

	"github.com/spf13/cobra"
)

// This file holds what waits on packages still being built; each piece
// says what it waits for.

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
