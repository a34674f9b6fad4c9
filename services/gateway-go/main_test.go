package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/contrib/processors/baggagecopy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

var recorder = tracetest.NewSpanRecorder()

// metricReader collects on demand what otelhttp and the gateway's counter
// recorded (cumulative over the whole test binary).
var metricReader = sdkmetric.NewManualReader()

func TestMain(m *testing.M) {
	// The same baggage processor and propagators as setupOTelSDK, with a
	// recorder in place of the exporter, and a manual metric reader in place
	// of the periodic one.
	otel.SetTracerProvider(sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(baggagecopy.NewSpanProcessor(copyRunID)),
		sdktrace.WithSpanProcessor(recorder),
	))
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(metricReader)))
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	os.Exit(m.Run())
}

// peerCalls is what the stand-in peer received.
type peerCalls struct {
	ordersCalled bool
	// requestIDs holds the X-Request-Id values of each call, by route.
	requestIDs map[string][]string
}

// peer stands in for auth-service and order-service at once.
func peer(t *testing.T, calls *peerCalls) *httptest.Server {
	calls.requestIDs = map[string][]string{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /verify", func(w http.ResponseWriter, r *http.Request) {
		calls.requestIDs["GET /verify"] = r.Header.Values(requestIDHeader)
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		calls.ordersCalled = true
		calls.requestIDs["POST /orders"] = r.Header.Values(requestIDHeader)
		if r.Header.Get("traceparent") == "" {
			t.Error("expected a traceparent header on the call to order-service")
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"order_id":"ord-1"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func newTestGateway(url string) http.Handler {
	g := &gateway{authURL: url, orderURL: url, client: newClient(true)}
	return newHTTPHandler(g, true, true)
}

func spansByName() map[string]sdktrace.ReadOnlySpan {
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range recorder.Ended() {
		byName[s.Name()] = s
	}
	return byName
}

// postOrder sends an authorised POST /orders, with the extra headers given,
// through a gateway whose peers are stand-ins; the recorder holds its spans.
func postOrder(t *testing.T, extra map[string]string) (*httptest.ResponseRecorder, *peerCalls) {
	recorder.Reset()
	calls := &peerCalls{}
	h := newTestGateway(peer(t, calls).URL)

	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{"items":[1]}`))
	req.Header.Set("Authorization", "Bearer good")
	for name, value := range extra {
		req.Header.Set(name, value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, calls
}

func TestCreateOrder(t *testing.T) {
	rec, _ := postOrder(t, nil)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), "ord-1") {
		t.Fatalf("expected 201 with the order, got %d %q", rec.Code, rec.Body.String())
	}
	spans := spansByName()
	server, ok := spans["POST /orders"]
	if !ok {
		t.Fatalf("expected a server span named \"POST /orders\", got %v", names(spans))
	}
	for _, name := range []string{"auth.verify", "orders.create"} {
		s, ok := spans[name]
		if !ok || s.Parent().SpanID() != server.SpanContext().SpanID() {
			t.Errorf("expected %s as a child of the server span", name)
		}
	}
}

func TestCreateOrderCopiesRunIDOntoEverySpan(t *testing.T) {
	rec, _ := postOrder(t, map[string]string{"baggage": "polytrace.run_id=run-1,other=x"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("expected 201, got %d %q", rec.Code, rec.Body.String())
	}
	// Server, internal and client spans: 5 on the order path.
	spans := recorder.Ended()
	if len(spans) != 5 {
		t.Fatalf("expected 5 spans, got %d", len(spans))
	}
	for _, s := range spans {
		attrs := attribute.NewSet(s.Attributes()...)
		if v, _ := attrs.Value(runIDKey); v.AsString() != "run-1" {
			t.Errorf("expected %s=run-1 on span %q, got %q", runIDKey, s.Name(), v.AsString())
		}
		if attrs.HasValue("other") {
			t.Errorf("expected only %s copied from baggage, got \"other\" on span %q", runIDKey, s.Name())
		}
	}
}

func TestCreateOrderForwardsAndRecordsRequestID(t *testing.T) {
	rec, calls := postOrder(t, map[string]string{requestIDHeader: "rid-1"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("expected 201, got %d %q", rec.Code, rec.Body.String())
	}
	for _, route := range []string{"GET /verify", "POST /orders"} {
		if got := calls.requestIDs[route]; !slices.Equal(got, []string{"rid-1"}) {
			t.Errorf("expected X-Request-Id [rid-1] on the call to %s, got %q", route, got)
		}
	}
	server, ok := spansByName()["POST /orders"]
	if !ok {
		t.Fatalf("expected a server span named \"POST /orders\"")
	}
	attrs := attribute.NewSet(server.Attributes()...)
	got, _ := attrs.Value("http.request.header.x-request-id")
	if got.Type() != attribute.STRINGSLICE || !slices.Equal(got.AsStringSlice(), []string{"rid-1"}) {
		t.Errorf("expected http.request.header.x-request-id=[rid-1] (a string slice) on the server span, got %s %q",
			got.Type(), got.Emit())
	}
}

func TestCreateOrderWithoutRequestIDSendsNone(t *testing.T) {
	rec, calls := postOrder(t, nil)
	if rec.Code != http.StatusCreated {
		t.Fatalf("expected 201, got %d %q", rec.Code, rec.Body.String())
	}
	for _, route := range []string{"GET /verify", "POST /orders"} {
		if got, called := calls.requestIDs[route]; !called || got != nil {
			t.Errorf("expected a call to %s without X-Request-Id, got called=%v with %q", route, called, got)
		}
	}
	for _, s := range recorder.Ended() {
		if attrs := attribute.NewSet(s.Attributes()...); attrs.HasValue("http.request.header.x-request-id") {
			t.Errorf("expected no http.request.header.x-request-id on span %q", s.Name())
		}
	}
}

func TestCreateOrderUnauthorized(t *testing.T) {
	recorder.Reset()
	calls := &peerCalls{}
	h := newTestGateway(peer(t, calls).URL)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{}`)))

	if rec.Code != http.StatusUnauthorized || calls.ordersCalled {
		t.Fatalf("expected 401 without calling orders, got %d (orders called: %v)", rec.Code, calls.ordersCalled)
	}
	if s := spansByName()["auth.verify"]; s == nil || s.Status().Code != codes.Error {
		t.Errorf("expected auth.verify with status error")
	}
}

func TestHealthzIsNotTraced(t *testing.T) {
	recorder.Reset()
	rec := httptest.NewRecorder()
	newTestGateway("http://127.0.0.1:1").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK || len(recorder.Ended()) != 0 {
		t.Fatalf("expected 200 and no span, got %d and %d spans", rec.Code, len(recorder.Ended()))
	}
}

func TestCheckLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://127.0.0.1:9000/x":  true,
		"http://127.8.9.10/":       true,
		"http://[::1]:9000/":       true,
		"http://LOCALHOST:1/":      true,
		"http://10.0.0.1/":         false,
		"http://example.com/":      false,
		"ftp://127.0.0.1/":         false,
		"http://127.0.0.1.nip.io/": false,
	} {
		if err := checkLoopback(url); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, expected allowed=%v", url, err, ok)
		}
	}
}

func TestW3CTestDoesNotFollowRedirects(t *testing.T) {
	// elsewhere stands in for a host off this machine; the loopback URL the
	// suite may call redirects there (307 would even repeat the POST body).
	var elsewhereCalls, redirectCalls atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		elsewhereCalls.Add(1)
	}))
	t.Cleanup(elsewhere.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirectCalls.Add(1)
		http.Redirect(w, r, elsewhere.URL+"/stolen", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)

	body := `[{"url":"` + redirector.URL + `/test","arguments":{"a":1}}]`
	req := httptest.NewRequest(http.MethodPost, "/w3c/test", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	newTestGateway("http://127.0.0.1:1").ServeHTTP(rec, req)

	if rec.Code != http.StatusOK {
		t.Fatalf("expected 200, got %d %q", rec.Code, rec.Body.String())
	}
	if redirectCalls.Load() != 1 || elsewhereCalls.Load() != 0 {
		t.Fatalf("expected 1 call to the loopback URL and none to the redirect target, got %d and %d",
			redirectCalls.Load(), elsewhereCalls.Load())
	}
}

func names(spans map[string]sdktrace.ReadOnlySpan) []string {
	var out []string
	for n := range spans {
		out = append(out, n)
	}
	return out
}
