// Package usage marks the errors that are the user's to fix: a bad flag, a
// bad value in the config or the environment, a name that is not there.
// The command line reports them with exit status 2; every other error of a
// run is a failure (1). Packages below the command line return them so that
// the root need not guess which of their errors are whose.
package usage

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Error is bad usage or config. It wraps its cause for errors.Is.
type Error struct{ Err error }

func (e Error) Error() string { return e.Err.Error() }
func (e Error) Unwrap() error { return e.Err }

// Errorf returns a usage error with the message fmt.Errorf makes.
func Errorf(format string, a ...any) error { return Error{fmt.Errorf(format, a...)} }

// Is reports whether err is, or wraps, a usage error.
func Is(err error) bool {
	var ue Error
	return errors.As(err, &ue)
}

// NoArgs is the Args of a command that takes none: a word after it is a
// usage error, not an unknown command.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return Errorf("%s takes no arguments (got %q)", cmd.CommandPath(), args[0])
	}
	return nil
}
