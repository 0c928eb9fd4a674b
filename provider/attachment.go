package provider

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Attachment is a file that goes with a message: a text file, whose Data
// is its text, or an image, whose Data is its encoded bytes.
type Attachment struct {
	// Name is the file's path as the user sees it (relative to the working
	// directory, with forward slashes).
	Name string
	// MediaType is MediaText for a text file, else the image's type
	// ("image/png", "image/jpeg", "image/gif", "image/webp").
	MediaType string
	Data      []byte
}

// MediaText is the media type of a text attachment.
const MediaText = "text/plain"

// IsImage reports whether a is an image rather than text.
func (a Attachment) IsImage() bool { return strings.HasPrefix(a.MediaType, "image/") }

// ErrNoImages reports a provider or model that does not take images; it
// is returned before anything is sent.
var ErrNoImages = errors.New("does not take images")

// Text returns what a wire sends as the message's text: each attached
// text file as a block that names it, in the order attached, then the
// message's own content. Every wire uses it, so that a file reads the same
// to every model; images are left to each wire's own form (Images).
func (m Message) Text() string {
	if len(m.Attachments) == 0 {
		return m.Content
	}
	var b strings.Builder
	for _, a := range m.Attachments {
		if a.IsImage() {
			continue
		}
		b.WriteString("<file name=" + strconv.Quote(a.Name) + ">\n")
		b.Write(a.Data)
		if len(a.Data) > 0 && a.Data[len(a.Data)-1] != '\n' {
			b.WriteByte('\n')
		}
		b.WriteString("</file>\n\n")
	}
	b.WriteString(m.Content)
	return strings.TrimRight(b.String(), "\n")
}

// Images returns the message's image attachments, in the order attached.
func (m Message) Images() []Attachment {
	var imgs []Attachment
	for _, a := range m.Attachments {
		if a.IsImage() {
			imgs = append(imgs, a)
		}
	}
	return imgs
}

// Empty reports whether m has nothing to send: no content and no
// attachment (an answer cancelled before its first token).
func (m Message) Empty() bool { return m.Content == "" && len(m.Attachments) == 0 }

// RefuseImages returns an error wrapping ErrNoImages, naming the first
// image of req, when req carries any; who is the provider or model that
// cannot take them. Wires that send text only call it before the request.
func RefuseImages(who string, req Request) error {
	for _, m := range req.Messages {
		if imgs := m.Images(); len(imgs) > 0 {
			return fmt.Errorf("%s %w: cannot send %s (attach text files only, or choose a vision model on another provider)", who, ErrNoImages, imgs[0].Name)
		}
	}
	return nil
}
