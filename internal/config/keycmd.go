package config

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// KeyCmdTimeout bounds an api_key_cmd: long enough for a password manager
// that asks to be unlocked, short enough that a command waiting for input
// nobody gives does not hang the run.
const KeyCmdTimeout = 2 * time.Minute

// KeyFromCommand runs the api_key_cmd of a provider and returns the
// first line of its output. The key never appears in an error. The command
// is killed when ctx ends or after timeout.
func KeyFromCommand(ctx context.Context, name, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stderr = nil
	// A child of the shell may keep the output open after the shell was
	// killed: stop waiting for it soon after.
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", fmt.Errorf("api_key_cmd of provider %s did not finish within %v", name, timeout)
	}
	if err != nil {
		return "", fmt.Errorf("api_key_cmd of provider %s failed: %v", name, err)
	}
	key, _, _ := strings.Cut(string(out), "\n")
	key = strings.TrimSpace(key)
	if key == "" {
		return "", fmt.Errorf("api_key_cmd of provider %s printed nothing", name)
	}
	return key, nil
}
