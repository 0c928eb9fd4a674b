module github.com/parley-chat/parley/bench

go 1.26.7

require github.com/parley-chat/parley v0.0.0

require github.com/tmaxmax/go-sse v0.12.0 // indirect

replace github.com/parley-chat/parley => ../
