package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ReservedOptions are the body keys that a wire sets itself from the
// conversation and that -o may not replace: the model, the messages and
// the system prompt under each wire's name for them, and streaming.
var ReservedOptions = []string{"model", "messages", "stream", "system", "contents", "systemInstruction"}

// ParseOption reads one -o KEY=VALUE: the value is taken as JSON when it
// parses as JSON (7, 0.9, true, null, [..], {..}, "quoted"), else as the
// string it is.
func ParseOption(kv string) (key string, value any, err error) {
	key, raw, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", nil, fmt.Errorf("%q is not KEY=VALUE", kv)
	}
	if slices.Contains(ReservedOptions, key) {
		return "", nil, fmt.Errorf("%q is set by parley itself (reserved: %s)", key, strings.Join(ReservedOptions, ", "))
	}
	if err := json.Unmarshal([]byte(raw), &value); err != nil {
		value = raw
	}
	return key, value, nil
}

// Nest says where a wire puts an option: under the object called Under
// ("options" for Ollama, "generationConfig" for Gemini) unless the key is
// one of Top, the wire's own top-level fields; with Under empty, every
// option goes at the top level.
type Nest struct {
	Under string
	Top   []string
}

// Body marshals a wire's request body v with the request's Extra options
// merged in, where n says, replacing what v set under the same key. Without
// options it is json.Marshal(v).
func Body(v any, extra map[string]any, n Nest) ([]byte, error) {
	if len(extra) == 0 {
		return json.Marshal(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, err
	}
	var nested map[string]json.RawMessage
	if n.Under != "" {
		if raw, ok := top[n.Under]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &nested); err != nil {
				return nil, fmt.Errorf("option under %s: %w", n.Under, err)
			}
		}
		if nested == nil {
			nested = map[string]json.RawMessage{}
		}
	}
	for k, v := range extra {
		if slices.Contains(ReservedOptions, k) {
			return nil, fmt.Errorf("option %q is set by parley itself", k)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("option %s: %w", k, err)
		}
		if n.Under == "" || k == n.Under || slices.Contains(n.Top, k) {
			top[k] = raw
		} else {
			nested[k] = raw
		}
	}
	if n.Under != "" && len(nested) > 0 {
		if _, whole := extra[n.Under]; !whole {
			raw, _ := json.Marshal(nested)
			top[n.Under] = raw
		}
	}
	return json.Marshal(top)
}
