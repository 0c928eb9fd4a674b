package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestAliasAndDefaultModel runs the binary with a config that names an
// alias and a default model, and checks which model each request asks for.
func TestAliasAndDefaultModel(t *testing.T) {
	var models []string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Model string }
		json.NewDecoder(r.Body).Decode(&body)
		models = append(models, body.Model)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	})
	path := writeConfig(t, "model = \"work:default-model\"\n[aliases]\nquick = \"work:aliased-model\"\n"+
		"[providers.work]\ntype = \"openai\"\nbase_url = \""+srv.URL+"\"\napi_key_env = \"WORK_KEY\"\n")
	env := []string{"PARLEY_CONFIG=" + path, "WORK_KEY=k"}
	for _, args := range [][]string{{"-p", "q"}, {"-m", "quick", "-p", "q"}, {"-m", "work:explicit", "-p", "q"}} {
		if r := parley(t, "", env, append([]string{"--no-save"}, args...)...); r.code != 0 || r.stdout != "ok" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if want := []string{"default-model", "aliased-model", "explicit"}; strings.Join(models, " ") != strings.Join(want, " ") {
		t.Errorf("models asked for: %q, want %q", models, want)
	}
}
