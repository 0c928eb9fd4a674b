package langchain

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/providertest"
	"github.com/parley-chat/parley/stream/streamtest"
)

var withFiles = provider.Request{Messages: []provider.Message{{Role: provider.RoleUser, Content: "what is this?", Attachments: []provider.Attachment{
	{Name: "shot.png", MediaType: "image/png", Data: []byte("\x89PNG-bytes")},
	{Name: "notes.txt", MediaType: provider.MediaText, Data: []byte("some notes")},
}}}}

// TestBedrockAttachments checks that an image goes to a Claude model on
// Bedrock as an image block and a text file as a named block of the text.
func TestBedrockAttachments(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(providertest.Transcript(t, "bedrock.jsonl")), "\n")
	srv := streamtest.NewServer(t, streamtest.Response{Header: eventStream, Steps: []streamtest.Step{streamtest.Write(chunks(t, lines...))}})
	req := withFiles
	req.Model = "anthropic.claude-3-5-haiku-20241022-v1:0"
	if r := providertest.Stream(t, bedrockClient(t, srv), req); r.Err != nil {
		t.Fatalf("got %+v", r)
	}
	body := string(srv.Requests()[0].Body)
	for _, want := range []string{
		`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"` + base64.StdEncoding.EncodeToString([]byte("\x89PNG-bytes")) + `"}}`,
		`"text":"\u003cfile name=\"notes.txt\"\u003e\nsome notes\n\u003c/file\u003e\n\nwhat is this?"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body %s\nlacks %s", body, want)
		}
	}
}

// TestImagesRefused checks that a model that langchaingo would not pass
// images to refuses them before any request: a Bedrock model of another
// family, and any other langchaingo model.
func TestImagesRefused(t *testing.T) {
	srv := streamtest.NewServer(t)
	req := withFiles
	req.Model = "meta.llama3-8b-instruct-v1:0"
	_, err := bedrockClient(t, srv).Stream(t.Context(), req)
	if !errors.Is(err, provider.ErrNoImages) || !strings.Contains(err.Error(), "bedrock (model meta.llama3-8b-instruct-v1:0) does not take images: cannot send shot.png") {
		t.Errorf("Stream: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	c, _ := newFake(nil)
	if _, err := c.Stream(t.Context(), req); !errors.Is(err, provider.ErrNoImages) {
		t.Errorf("fake model: %v", err)
	}
	// Text files alone go to every model.
	text := withFiles
	text.Messages = []provider.Message{withFiles.Messages[0]}
	text.Messages[0].Attachments = text.Messages[0].Attachments[1:]
	if _, err := messages(c.ep, text); err != nil {
		t.Errorf("text refused: %v", err)
	}
}
