package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// w3cAction is one entry of the W3C Trace Context test suite's request body
// (w3c/trace-context, test/README.md).
type w3cAction struct {
	URL       string          `json:"url"`
	Arguments json.RawMessage `json:"arguments"`
}

// w3cTest handles POST /w3c/test, the suite's "test service" endpoint: it
// calls each URL in order with the instrumented client, so the suite can
// check how this SDK propagates traceparent and tracestate.
func (g *gateway) w3cTest(w http.ResponseWriter, r *http.Request) {
	if status, reason := fromBrowser(r); status != 0 {
		writeJSON(w, status, map[string]string{"error": reason})
		return
	}
	var actions []w3cAction
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes)).Decode(&actions); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "expected a JSON array of {url, arguments}"})
		return
	}
	// Check every URL before calling any, so a bad entry causes no traffic.
	for _, a := range actions {
		if err := checkLoopback(a.URL); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
	}

	for _, a := range actions {
		args := a.Arguments
		if len(args) == 0 {
			args = json.RawMessage("null")
		}
		// r.Context() carries the server span, so each call's client span
		// (and the traceparent it sends) descends from the suite's request.
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, a.URL, bytes.NewReader(args))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := g.client.Do(req)
		if err != nil {
			log.Printf("w3c test call to %s: %v", a.URL, err)
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": fmt.Sprintf("call to %s failed", a.URL)})
			return
		}
		drainAndClose(resp.Body)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// fromBrowser refuses what a web page open in the user's browser could send
// here: a browser names the page's origin on every POST, and without a
// preflight it can send only "simple" bodies such as text/plain. The suite's
// harness and polytrace's probe send JSON and no Origin.
func fromBrowser(r *http.Request) (int, string) {
	if origin := r.Header.Get("Origin"); origin != "" {
		return http.StatusForbidden, fmt.Sprintf("expected no Origin (a test harness, not a web page), got %q", origin)
	}
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !strings.EqualFold(strings.TrimSpace(mediaType), "application/json") {
		return http.StatusUnsupportedMediaType, fmt.Sprintf("expected Content-Type application/json, got %q", r.Header.Get("Content-Type"))
	}
	return 0, ""
}

// checkLoopback refuses URLs that would send traffic off this machine: the
// endpoint posts to whatever it is given, so it must not become an open relay.
func checkLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("expected an http(s) URL, got %q", rawURL)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("expected a loopback host (127.0.0.0/8, ::1, localhost), got %q", host)
}
