package ui

import (
	"strconv"
	"time"
)

// notice is a message from the provider for the user. A notice that
// announces a wait (a retry's backoff) counts it down.
type notice struct {
	text  string
	until time.Time // end of the wait; zero when there is none
}

func newNotice(text string, wait time.Duration, now time.Time) notice {
	n := notice{text: text}
	if wait > 0 {
		n.until = now.Add(wait)
	}
	return n
}

// at returns the notice as it reads at now: a wait shows the whole seconds
// left.
func (n notice) at(now time.Time) string {
	if n.until.IsZero() {
		return n.text
	}
	left := max(n.until.Sub(now), 0)
	secs := int((left + time.Second - 1) / time.Second)
	return n.text + "; retrying in " + strconv.Itoa(secs) + "s"
}
