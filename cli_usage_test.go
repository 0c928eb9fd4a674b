package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley/store"
)

// twinStore is a data directory whose two conversations share the ID
// prefix abc.
func twinStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range []store.Conversation{
		{ID: "abc1000000000000", Title: "first", Model: "m", Provider: "demo"},
		{ID: "abc2000000000000", Title: "second", Model: "m", Provider: "demo"},
	} {
		if _, err := st.CreateConversation(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestUsageErrors(t *testing.T) {
	data := "PARLEY_DATA_DIR=" + twinStore(t)
	empty := "PARLEY_DATA_DIR=" + t.TempDir()
	cfg := writeConfig(t, "theme = \"purple\"\n")
	tests := []struct {
		name   string
		env    []string
		args   []string
		stderr string
	}{
		{"unknown --show ID", []string{data}, []string{"--show", "ffff"}, "parley: no such conversation with ID ffff (see --list)"},
		{"not an ID", []string{data}, []string{"--resume", "zzzz", "-m", "demo", "-p", "q"}, `parley: no such conversation: "zzzz" is not a conversation ID (IDs are hex digits; see --list)`},
		{"unknown --resume ID", []string{data}, []string{"--resume", "ffff", "-m", "demo", "-p", "q"}, "parley: no such conversation with ID ffff (see --list)"},
		{"ambiguous --show ID", []string{data}, []string{"--show", "abc"},
			`parley: ID "abc" matches more than one conversation: abc2000000000000 (second), abc1000000000000 (first); give more of the ID`},
		{"ambiguous --resume ID", []string{data}, []string{"--resume", "abc", "-m", "demo", "-p", "q"},
			`parley: ID "abc" matches more than one conversation: abc2000000000000 (second), abc1000000000000 (first); give more of the ID`},
		{"-c with nothing saved", []string{empty}, []string{"-c", "-m", "demo", "-p", "q"}, "parley: no saved conversation to continue"},
		{"search for nothing", []string{data}, []string{"--search", "!!"}, `parley: nothing to search for in "!!"`},
		{"--delete a b", []string{data}, []string{"--delete", "abc1", "abc2"}, `parley: --delete takes one value (got "abc2" too; quote a value with spaces)`},
		{"--show a b", []string{data}, []string{"--show", "abc1", "x"}, `parley: --show takes one value (got "x" too; quote a value with spaces)`},
		{"--search a b", []string{data}, []string{"--search", "go", "maps"}, `parley: --search takes one value (got "maps" too; quote a value with spaces)`},
		{"--list foo", []string{data}, []string{"--list", "foo"}, `parley: --list takes no arguments (got "foo")`},
		{"-a with --list", []string{data}, []string{"--list", "-a", "main.go"}, "parley: -a attaches files to a prompt: it does not go with --list"},
		{"-a with --show", []string{data}, []string{"--show", "abc1", "-a", "main.go"}, "parley: -a attaches files to a prompt: it does not go with --show"},
		{"--list-models foo", nil, []string{"-m", "demo", "--list-models", "foo"}, `parley: --list-models takes no arguments (got "foo")`},
		{"negative temperature", nil, []string{"-m", "demo", "--temperature", "-0.5", "-p", "q"}, "parley: --temperature -0.5 is out of range: give a value from 0 to 2"},
		{"absurd temperature", nil, []string{"-m", "demo", "--temperature", "7", "-p", "q"}, "parley: --temperature 7 is out of range: give a value from 0 to 2"},
		{"negative max tokens", nil, []string{"-m", "demo", "--max-tokens", "-1", "-p", "q"}, "parley: --max-tokens -1 is out of range: give a value from 1 to 10000000 (0: the provider's default)"},
		{"absurd max tokens", nil, []string{"-m", "demo", "--max-tokens", "99999999", "-p", "q"}, "parley: --max-tokens 99999999 is out of range: give a value from 1 to 10000000 (0: the provider's default)"},
		{"negative timeout", nil, []string{"-m", "demo", "--timeout", "-5s", "-p", "q"}, "parley: --timeout -5s is negative: give a duration such as 90s or 5m (0: none)"},
		{"unknown PARLEY_THEME", []string{"PARLEY_THEME=blue"}, []string{"-m", "demo", "-p", "q"}, `parley: PARLEY_THEME "blue" is not a theme: use auto, dark or light`},
		{"unknown theme in the config", []string{"PARLEY_CONFIG=" + cfg}, []string{"-m", "demo", "-p", "q"}, `parley: config: theme "purple" is not a theme: use auto, dark or light`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := parley(t, "", tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" || r.stderr != tt.stderr+"\n" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, stderr %q", r.code, r.stdout, r.stderr, tt.stderr+"\n")
			}
		})
	}
}
