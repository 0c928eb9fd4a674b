package main

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/parley-chat/parley/stream/streamtest"
)

// Streams as real servers from npm write them, replayed byte for byte, and
// what the user sees of each: stdout, one line on stderr, the exit code,
// and how the exchange is saved. Each was found by running Parley against
// the server itself (better-sse 0.16 under express, openai-mock-api 0.4).

// betterSSEPiped is what better-sse's session.stream(readable) writes: events
// named "stream", each with a random id and its data JSON-encoded.
const betterSSEPiped = "retry:2000\n\nevent:stream\nid:177811c2-bb1e-483d-a185-a8b3f3802dce\ndata:\"The\"\n\n" +
	"event:stream\nid:f5a7542a-eb9f-4b63-a4bf-4d64533fa2fa\ndata:\" answer\"\n\n"

// mockToolCall is openai-mock-api's answer that is a tool call, labelled
// text/plain and ended with finish_reason "stop".
const mockToolCall = `data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}` + "\n\n" +
	`data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"San Francisco\"}"}}]},"finish_reason":null}]}` + "\n\n" +
	`data: {"id":"chatcmpl-w8mz","object":"chat.completion.chunk","created":1796182983,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
	"data: [DONE]\n\n"

func TestRealServers(t *testing.T) {
	betterSSE, err := os.ReadFile("provider/sse/testdata/better-sse.sse")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, model, ctype, body string
		replay                   string // the body of a second request, if one is expected
		stdout                   string
		stderr                   string // "" for none; else what the one line says
	}{
		{name: "better-sse JSON strings, a pair split", model: "sse:m", ctype: "text/event-stream", body: string(betterSSE),
			stdout: "The answer is\nforty-two 🎉 \"quoted\"."},
		// Its reconnection ignores Last-Event-ID and sends the answer again,
		// under new random ids. (retry:10 rather than its default 2000.)
		{name: "better-sse ends without done", model: "sse:m", ctype: "text/event-stream",
			body:   "retry:10\n\nevent:message\nid:1a6f0c4e\ndata:\"The answer\"\n\nevent:message\nid:7d0b8e8a\ndata:\" is 42.\"\n\n",
			replay: "retry:10\n\nevent:message\nid:c3d1f00b\ndata:\"The answer\"\n\nevent:message\nid:e9a2b7c4\ndata:\" is 42.\"\n\n",
			stdout: "The answer is 42.", stderr: `resuming failed: sse: the server sent the answer again from its start (it does not resume from Last-Event-ID)`},
		{name: "better-sse session.stream", model: "sse:m", ctype: "text/event-stream", body: betterSSEPiped + "event:done\nid:9\ndata:\"\"\n\n",
			stderr: `sse: the answer has no text (it sent 2 events of type "stream", which are not text`},
		{name: "openai-mock-api tool call", model: "openai:gpt-4o-mini", ctype: "text/plain; charset=utf-8", body: mockToolCall,
			stderr: "openai: the model asked to call get_weather instead of answering (parley runs no tools; leave out -o tools)"},
		{name: "better-sse quoted [DONE]", model: "openai:m", ctype: "text/event-stream",
			body: "retry:2000\n\nevent:message\nid:5e0c2b1a\ndata:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n" +
				"event:message\nid:9d41a7c3\ndata:{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
				"event:message\nid:77aa0f12\ndata:\"[DONE]\"\n\n",
			stdout: "Hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The scripted answers: one more request (a retry, a resumption)
			// fails the test.
			resps := []streamtest.Response{{Header: http.Header{"Content-Type": {tt.ctype}}, Steps: []streamtest.Step{streamtest.Write(tt.body)}}}
			if tt.replay != "" {
				resps = append(resps, streamtest.Response{Header: http.Header{"Content-Type": {tt.ctype}}, Steps: []streamtest.Step{streamtest.Write(tt.replay)}})
			}
			srv := streamtest.NewServer(t, resps...)
			env := []string{"PARLEY_DATA_DIR=" + t.TempDir(), "OPENAI_API_KEY=sk-test-real"}
			r := parley(t, "", env, "-m", tt.model, "--base-url", srv.URL, "-p", "q")
			code := 0
			if tt.stderr != "" {
				code = 1
				saysOnce(t, r, tt.stderr)
			} else if r.stderr != "" {
				t.Errorf("stderr %q", r.stderr)
			}
			if r.code != code || r.stdout != tt.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q", r.code, r.stdout, code, tt.stdout)
			}
			list := parley(t, "", env, "--list")
			id, _, _ := strings.Cut(list.stdout, "\t")
			show := parley(t, "", env, "--show", id)
			if failed := strings.Contains(show.stdout, "(failed: "); show.code != 0 || failed != (code != 0) || !strings.Contains(show.stdout, tt.stdout) {
				t.Errorf("--show %s: exit %d, stdout %q", id, show.code, show.stdout)
			}
		})
	}
}
