package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := parley(t, "", nil, "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, "__complete") || r.stderr != "" {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes", shell, r.code, r.stderr, len(r.stdout))
		}
	}
}

// completions runs parley __complete with args and returns the lines it
// offers, without cobra's directive line.
func completions(t *testing.T, env []string, args ...string) []string {
	t.Helper()
	r := parley(t, "", env, append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d, stderr %q", args, r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %v: no directive in %q", args, r.stdout)
	}
	return lines[:len(lines)-1]
}

func has(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestCompletions(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, "[aliases]\nfast = \"groq:llama-3.3-70b-versatile\"\n"+
		"[roles]\nreviewer = \"You are a careful code reviewer.\\nPoint out bugs first.\"\npoet = \"Answer in verse.\"\n")
	env := []string{"PARLEY_CONFIG=" + cfg, "XDG_CACHE_HOME=" + filepath.Join(dir, "cache"), "PARLEY_DATA_DIR=" + twinStore(t)}

	// -m: providers and aliases at once; models once --list-models ran.
	models := completions(t, env, "-m", "")
	for _, want := range []string{"openai\tprovider, default model gpt-4o-mini", "demo\tprovider, default model demo",
		"fast\talias for groq:llama-3.3-70b-versatile"} {
		if !has(models, want) {
			t.Errorf("-m completions lack %q: %q", want, models)
		}
	}
	if has(models, "demo:fast") {
		t.Errorf("-m offers models before any --list-models: %q", models)
	}
	if r := parley(t, "", env, "-m", "demo", "--list-models"); r.code != 0 {
		t.Fatalf("--list-models: exit %d, stderr %q", r.code, r.stderr)
	}
	models = completions(t, env, "-m", "")
	if !has(models, "demo:fast") || !has(models, "demo:demo") {
		t.Errorf("-m completions lack the listed models: %q", models)
	}

	// --resume, --show, --delete: IDs, the one used last first, with titles.
	for _, flag := range []string{"--resume", "--show", "--delete"} {
		got := completions(t, env, flag, "")
		want := []string{"abc2000000000000\tsecond", "abc1000000000000\tfirst"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s completions = %q, want %q", flag, got, want)
		}
	}

	// --role: the config's roles, with the start of their prompt.
	got := completions(t, env, "--role", "")
	want := []string{"poet\tAnswer in verse.", "reviewer\tYou are a careful code reviewer. Point out bugs first."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("--role completions = %q, want %q", got, want)
	}
}
