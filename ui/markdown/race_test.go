//go:build race

package markdown

// raceEnabled is true when the tests run with the race detector, which makes
// glamour ten times slower: the heaviest tests then check fewer frames.
const raceEnabled = true
