package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSDKDisabled(t *testing.T) {
	for value, want := range map[string]bool{
		"true": true, "TRUE": true, " True ": true,
		"": false, "false": false, "1": false, "yes": false,
	} {
		t.Setenv("OTEL_SDK_DISABLED", value)
		if got := sdkDisabled(); got != want {
			t.Errorf("OTEL_SDK_DISABLED=%q: expected sdkDisabled() %v, got %v", value, want, got)
		}
	}
}

// With the SDK disabled the gateway still serves orders, but otelhttp wraps
// neither the handler nor the client: no server or client span, and no
// traceparent on the calls it makes. (The test binary's global tracer
// provider still records the gateway's own spans; in the service no provider
// is set, so they are the API's no-op spans.)
func TestCreateOrderUninstrumented(t *testing.T) {
	recorder.Reset()
	var traceparents []string
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		traceparents = append(traceparents, r.Header.Get("traceparent"))
		if r.URL.Path == "/orders" {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"order_id":"ord-1"}`)
		}
	}))
	t.Cleanup(peer.Close)
	g := &gateway{authURL: peer.URL, orderURL: peer.URL, client: newClient(false)}
	h := newHTTPHandler(g, false, false)

	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{"items":[1]}`))
	req.Header.Set("Authorization", "Bearer good")
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	if rec.Code != http.StatusCreated {
		t.Fatalf("expected 201, got %d %q", rec.Code, rec.Body.String())
	}
	if len(traceparents) != 2 || traceparents[0] != "" || traceparents[1] != "" {
		t.Errorf("expected two calls without traceparent, got %q", traceparents)
	}
	for name := range spansByName() {
		if name == "POST /orders" || name == "GET" || name == "POST" {
			t.Errorf("expected no otelhttp span, got %q", name)
		}
	}
}
