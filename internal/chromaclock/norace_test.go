//go:build !race

package chromaclock

const raceEnabled = false
