//go:build race

package chromaclock

// raceEnabled is true when the tests run with the race detector, which
// makes a match about ten times slower.
const raceEnabled = true
