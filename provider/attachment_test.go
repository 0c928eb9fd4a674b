package provider

import (
	"errors"
	"testing"
)

func TestMessageText(t *testing.T) {
	m := Message{Role: RoleUser, Content: "review this", Attachments: []Attachment{
		{Name: "main.go", MediaType: MediaText, Data: []byte("package main\n")},
		{Name: "shot.png", MediaType: "image/png", Data: []byte("\x89PNG")},
		{Name: `odd "name".txt`, MediaType: MediaText, Data: []byte("no newline")},
	}}
	want := "<file name=\"main.go\">\npackage main\n</file>\n\n<file name=\"odd \\\"name\\\".txt\">\nno newline\n</file>\n\nreview this"
	if got := m.Text(); got != want {
		t.Errorf("Text() =\n%q\nwant\n%q", got, want)
	}
	if imgs := m.Images(); len(imgs) != 1 || imgs[0].Name != "shot.png" {
		t.Errorf("Images() = %v", imgs)
	}
	if got := (Message{Content: "plain"}).Text(); got != "plain" {
		t.Errorf("Text() without attachments = %q", got)
	}
	only := Message{Attachments: m.Attachments[:1]}
	if got := only.Text(); got != "<file name=\"main.go\">\npackage main\n</file>" || only.Empty() {
		t.Errorf("Text() of attachments alone = %q (empty %v)", got, only.Empty())
	}
}

func TestRefuseImages(t *testing.T) {
	text := Request{Messages: []Message{{Role: RoleUser, Content: "q", Attachments: []Attachment{{Name: "a.txt", MediaType: MediaText}}}}}
	if err := RefuseImages("sse", text); err != nil {
		t.Errorf("refused text: %v", err)
	}
	img := Request{Messages: []Message{{Role: RoleUser, Content: "q", Attachments: []Attachment{{Name: "a.png", MediaType: "image/png"}}}}}
	err := RefuseImages("sse", img)
	want := "sse does not take images: cannot send a.png (attach text files only, or choose a vision model on another provider)"
	if !errors.Is(err, ErrNoImages) || err.Error() != want {
		t.Errorf("RefuseImages = %v, want %q", err, want)
	}
}
