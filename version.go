package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider/httpx"
)

// buildInfo is what the binary knows of its own build.
type buildInfo struct {
	version  string // the module version, "(devel)" for a build from a checkout
	commit   string // vcs.revision, "" when not stamped
	modified bool   // vcs.modified: the checkout had changes
	goVer    string
}

// readBuildInfo reads the version, commit and Go version from the binary.
func readBuildInfo() buildInfo {
	b := buildInfo{version: "(devel)", goVer: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" {
		b.version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.commit = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// String is the line --version prints:
// "parley v1.2.0 (commit 0123456789ab, modified; go1.26.0 linux/amd64)".
func (b buildInfo) String() string {
	var build string
	if b.commit != "" {
		c := b.commit
		if len(c) > 12 {
			c = c[:12]
		}
		build = "commit " + c
		if b.modified {
			build += ", modified"
		}
		build += "; "
	}
	return fmt.Sprintf("parley %s (%s%s %s/%s)", b.version, build, b.goVer, runtime.GOOS, runtime.GOARCH)
}

// addVersion gives cmd a --version flag and a version command, which print
// the same line, and names this version in the User-Agent of requests: the
// build info is read once.
func addVersion(cmd *cobra.Command) {
	b := readBuildInfo()
	setUserAgent(b.version)
	line := b.String()
	cmd.Version = line
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  usage.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), line)
			return err
		},
	})
}

// userAgent names this version in the User-Agent of requests, once per
// process: run may be called more than once, and at once, as the tests do.
var userAgent sync.Once

func setUserAgent(version string) {
	userAgent.Do(func() { httpx.UserAgent = "parley/" + version })
}
