package ui

import (
	"regexp"
	"strconv"
	"time"
)

// retryIn finds the wait in a retry notice ("…; retrying in 1.5s (1/2)"),
// so that the status line can count it down.
var retryIn = regexp.MustCompile(`retrying in ([0-9]+(?:\.[0-9]+)?(?:ms|s|m))`)

// notice is a message from the provider for the user. A retry notice counts
// its wait down.
type notice struct {
	text     string
	until    time.Time // end of the retry wait; zero when there is none
	from, to int       // where the wait is written in text
}

func newNotice(text string, now time.Time) notice {
	n := notice{text: text}
	if loc := retryIn.FindStringSubmatchIndex(text); loc != nil {
		if d, err := time.ParseDuration(text[loc[2]:loc[3]]); err == nil {
			n.until, n.from, n.to = now.Add(d), loc[2], loc[3]
		}
	}
	return n
}

// at returns the notice as it reads at now: a retry wait shows the whole
// seconds left.
func (n notice) at(now time.Time) string {
	if n.until.IsZero() {
		return n.text
	}
	left := max(n.until.Sub(now), 0)
	secs := int((left + time.Second - 1) / time.Second)
	return n.text[:n.from] + strconv.Itoa(secs) + "s" + n.text[n.to:]
}
