package main

import (
	"fmt"
	"os"

	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
)

// loadAttachments reads the paths of -a, relative to the working
// directory. What a folder left out is said in one line on stderr; a path
// that cannot be attached, or nothing left to attach, is bad usage.
func loadAttachments(env *environment, paths []string, lim attach.Limits) ([]provider.Attachment, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("the working directory: %w", err)
	}
	res, err := attach.Load(paths, wd, lim)
	if err != nil {
		return nil, usage.Error{Err: err}
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(env.stderr, "parley: "+termsafe.Line(res.Summary()))
	}
	return res.Attachments, nil
}
