package main

import (
	"errors"
	"fmt"

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
	if env.workDir == "" {
		return nil, errors.New("the working directory cannot be read")
	}
	res, err := attach.Load(paths, env.workDir, lim)
	if err != nil {
		return nil, usage.Error{Err: err}
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(env.stderr, "parley: "+termsafe.Line(res.Summary()))
	}
	return res.Attachments, nil
}
