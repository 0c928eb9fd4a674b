package main

import "github.com/parley-chat/parley/provider"

// parseOptions reads the -o KEY=VALUE flags into the options each wire
// merges into its request body; a malformed or reserved one is a usage
// error. A key given twice keeps its last value.
func parseOptions(opts []string) (map[string]any, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	extra := make(map[string]any, len(opts))
	for _, kv := range opts {
		k, v, err := provider.ParseOption(kv)
		if err != nil {
			return nil, usageErrorf("-o %v", err)
		}
		extra[k] = v
	}
	return extra, nil
}
