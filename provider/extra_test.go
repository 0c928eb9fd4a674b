package provider

import (
	"encoding/json"
	"testing"
)

func TestParseOption(t *testing.T) {
	tests := []struct {
		in   string
		key  string
		want string // the value as JSON
		err  bool
	}{
		{"top_p=0.9", "top_p", `0.9`, false},
		{"seed=7", "seed", `7`, false},
		{"stop=[\"a\",\"b\"]", "stop", `["a","b"]`, false},
		{"user=bob", "user", `"bob"`, false},
		{"user=\"7\"", "user", `"7"`, false},
		{"think=false", "think", `false`, false},
		{"empty=", "empty", `""`, false},
		{"x=a=b", "x", `"a=b"`, false},
		{"top_p", "", "", true},
		{"=1", "", "", true},
		{"model=x", "", "", true},
		{"stream=true", "", "", true},
	}
	for _, tt := range tests {
		k, v, err := ParseOption(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("%q: error %v", tt.in, err)
			continue
		}
		if got, _ := json.Marshal(v); !tt.err && (k != tt.key || string(got) != tt.want) {
			t.Errorf("%q: %q=%s, want %q=%s", tt.in, k, got, tt.key, tt.want)
		}
	}
}

func TestBody(t *testing.T) {
	type opts struct {
		Temperature float64 `json:"temperature,omitempty"`
	}
	type body struct {
		Model   string `json:"model"`
		Options *opts  `json:"options,omitempty"`
	}
	v := body{Model: "m", Options: &opts{Temperature: 0.5}}
	plain, _ := json.Marshal(v)
	if b, err := Body(v, nil, Nest{}); err != nil || string(b) != string(plain) {
		t.Errorf("no options: %s, %v", b, err)
	}
	nest := Nest{Under: "options", Top: []string{"keep_alive"}}
	tests := []struct {
		v     any
		extra map[string]any
		n     Nest
		want  string
	}{
		{v, map[string]any{"top_p": 0.9}, Nest{}, `{"model":"m","options":{"temperature":0.5},"top_p":0.9}`},
		{v, map[string]any{"num_ctx": 8192, "keep_alive": "5m"}, nest, `{"keep_alive":"5m","model":"m","options":{"num_ctx":8192,"temperature":0.5}}`},
		{v, map[string]any{"temperature": 1}, nest, `{"model":"m","options":{"temperature":1}}`},
		{body{Model: "m"}, map[string]any{"seed": 7}, nest, `{"model":"m","options":{"seed":7}}`},
		{v, map[string]any{"options": map[string]any{"seed": 1}}, nest, `{"model":"m","options":{"seed":1}}`},
	}
	for _, tt := range tests {
		b, err := Body(tt.v, tt.extra, tt.n)
		if err != nil || string(b) != tt.want {
			t.Errorf("%v: %s, %v; want %s", tt.extra, b, err, tt.want)
		}
	}
	if _, err := Body(v, map[string]any{"model": "x"}, Nest{}); err == nil {
		t.Error("a reserved key was merged")
	}
}
