package provider

import (
	"reflect"
	"testing"
)

func TestRequestChat(t *testing.T) {
	user := Message{Role: RoleUser, Content: "hi"}
	for _, tc := range []struct {
		name string
		req  Request
		want []Message
	}{
		{"nothing", Request{}, nil},
		{"no system", Request{Messages: []Message{user}}, []Message{user}},
		{"system alone", Request{System: "be brief"}, []Message{{Role: RoleSystem, Content: "be brief"}}},
		{"system first", Request{System: "be brief", Messages: []Message{user}},
			[]Message{{Role: RoleSystem, Content: "be brief"}, user}},
	} {
		if got := tc.req.Chat(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Chat() = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}
