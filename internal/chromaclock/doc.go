// Package chromaclock holds a test of chroma's lexers against regexp2's
// match clock, in a process of its own: the tests of the packages that
// render code (ui, ui/markdown) stop that clock (see their TestMain), so
// that a late tick on a busy machine cannot change a render they compare.
package chromaclock
