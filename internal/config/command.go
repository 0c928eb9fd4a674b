package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/usage"
)

// Command is `parley config`: print the config path, write the example
// there (init) or open it in the editor (edit). example is
// config.example.toml, every key documented, which the binary carries so
// that a go install user has it too.
func Command(getenv func(string) string, example []byte) *cobra.Command {
	// Each command acts on the path of the config file.
	command := func(use, short string, do func(cmd *cobra.Command, path string) error) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: usage.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return do(cmd, Path(getenv)) }}
	}
	cmd := command("config", "Print the config file's path; init writes the example there, edit opens it",
		func(cmd *cobra.Command, path string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), path)
			return err
		})
	cmd.AddCommand(command("init", "Write the documented example config to the config path (never over a file)",
		func(cmd *cobra.Command, path string) error {
			if err := writeExample(path, example); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return usage.Errorf("%s exists: edit it with parley config edit, or move it aside first", path)
				}
				return err
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), "Wrote "+path)
			return err
		}))
	cmd.AddCommand(command("edit", "Open the config file in $VISUAL or $EDITOR (vi if neither is set), writing the example first if there is none",
		func(cmd *cobra.Command, path string) error {
			if err := writeExample(path, example); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			args := EditorCommand(getenv)
			ed := exec.CommandContext(cmd.Context(), args[0], append(args[1:], path)...)
			ed.Stdin, ed.Stdout, ed.Stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := ed.Run(); err != nil {
				return fmt.Errorf("editor %s: %v", args[0], err)
			}
			return nil
		}))
	return cmd
}

// writeExample writes the example config at path, making its
// directory; an existing file is left alone and is an fs.ErrExist. The
// file is private: it may come to hold a key.
func writeExample(path string, example []byte) error {
	if path == "" {
		return errors.New("no config path: set PARLEY_CONFIG or HOME")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(commentedExample(example)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// EditorCommand is $VISUAL, else $EDITOR, else vi, split into words
// ("code --wait").
func EditorCommand(getenv func(string) string) []string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if f := strings.Fields(getenv(v)); len(f) > 0 {
			return f
		}
	}
	return []string{"vi"}
}

// commentedExample is the example config with every setting commented
// out: the documentation of every key, which changes nothing until the
// user uncomments what they want (the example's own values, such as
// model = "demo", are examples, not advice).
func commentedExample(example []byte) []byte {
	var b strings.Builder
	b.WriteString("# Written by parley config init. Every setting is commented out: uncomment\n# and change what you need.\n\n")
	for line := range strings.Lines(string(example)) {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			line = "# " + line
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}
