package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// A web page open in the user's browser can send text/plain without a
// preflight, and always names its origin: neither reaches the instrumented
// client. The suite's harness sends JSON and no Origin.
func TestW3CTestRefusesWhatABrowserCanSend(t *testing.T) {
	cases := []struct {
		name, contentType, origin string
		status                    int
	}{
		{"text/plain from a page", "text/plain", "", 415},
		{"a form from a page", "application/x-www-form-urlencoded", "", 415},
		{"JSON naming a page", "application/json", "http://evil.example", 403},
		{"the harness", "application/json; charset=utf-8", "", 0},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/w3c/test", strings.NewReader("[]"))
		r.Header.Set("Content-Type", c.contentType)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if status, _ := fromBrowser(r); status != c.status {
			t.Errorf("%s: expected %d, got %d", c.name, c.status, status)
		}
	}
}
