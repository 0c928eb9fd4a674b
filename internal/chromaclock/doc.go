// Package chromaclock holds regexp2's match clock still for the tests of
// the packages that render code (ui, ui/markdown: see Main), so that a late
// tick on a busy machine cannot change a render they compare; and it tests
// chroma's lexers against that clock, moving, in a process of its own.
package chromaclock
