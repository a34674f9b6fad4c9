package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// collect returns the metric named name, as the reader has it now.
func collect(t *testing.T, name string) (metricdata.Metrics, bool) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := metricReader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// requestCount is gateway.requests{outcome} so far.
func requestCount(t *testing.T, outcome string) int64 {
	t.Helper()
	m, ok := collect(t, "gateway.requests")
	if !ok {
		return 0
	}
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, _ := dp.Attributes.Value("outcome"); v.AsString() == outcome {
			return dp.Value
		}
	}
	return 0
}

// failingOrders stands in for a healthy auth-service and an order-service
// that answers 502, as it does when notification-service fails.
func failingOrders(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /verify", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, `{"error":"notification failed"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestGatewayRequestsCountedByOutcome(t *testing.T) {
	forwarded, unauthorized, failed := requestCount(t, outcomeForwarded), requestCount(t, outcomeUnauthorized), requestCount(t, outcomeFailed)

	postOrder(t, nil)
	rec := httptest.NewRecorder()
	newTestGateway(peer(t, &peerCalls{}).URL).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{}`)))
	rec = httptest.NewRecorder()
	newTestGateway(failingOrders(t).URL).ServeHTTP(rec, authorized(`{}`))

	for outcome, want := range map[string]int64{
		outcomeForwarded:    forwarded + 1,
		outcomeUnauthorized: unauthorized + 1,
		outcomeFailed:       failed + 1,
	} {
		if got := requestCount(t, outcome); got != want {
			t.Errorf("expected gateway.requests{outcome=%s} = %d, got %d", outcome, want, got)
		}
	}
	if m, _ := collect(t, "gateway.requests"); m.Unit != "1" {
		t.Errorf("expected unit \"1\", got %q", m.Unit)
	}
}

func TestOrderServiceFailureGives502AndAnErrorSpan(t *testing.T) {
	recorder.Reset()
	rec := httptest.NewRecorder()
	newTestGateway(failingOrders(t).URL).ServeHTTP(rec, authorized(`{"items":[]}`))

	if rec.Code != http.StatusBadGateway {
		t.Fatalf("expected 502, got %d %q", rec.Code, rec.Body.String())
	}
	for _, name := range []string{"orders.create", "POST /orders"} {
		s := spansByName()[name]
		if s == nil || s.Status().Code != codes.Error {
			t.Errorf("expected span %q with status error", name)
		}
	}
	create := spansByName()["orders.create"]
	if create == nil || len(create.Events()) != 1 || create.Events()[0].Name != "exception" {
		t.Fatalf("expected one exception event on orders.create")
	}
	attrs := attribute.NewSet(create.Events()[0].Attributes...)
	for _, key := range []attribute.Key{"exception.type", "exception.message", "exception.stacktrace"} {
		if v, ok := attrs.Value(key); !ok || v.AsString() == "" {
			t.Errorf("expected %s on the exception event", key)
		}
	}
}

func TestServerDurationHistogram(t *testing.T) {
	postOrder(t, nil)
	newTestGateway("http://127.0.0.1:1").ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))

	m, ok := collect(t, "http.server.request.duration")
	if !ok {
		t.Fatal("expected http.server.request.duration")
	}
	if m.Unit != "s" {
		t.Errorf("expected unit \"s\", got %q", m.Unit)
	}
	var orders bool
	for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
		route, _ := dp.Attributes.Value("http.route")
		method, _ := dp.Attributes.Value("http.request.method")
		status, _ := dp.Attributes.Value("http.response.status_code")
		if route.AsString() == "/healthz" {
			t.Error("expected no data point for /healthz: the filter leaves health probes out")
		}
		if route.AsString() == "/orders" && method.AsString() == "POST" && status.AsInt64() == http.StatusCreated {
			orders = true
		}
	}
	if !orders {
		t.Error("expected a data point with http.route=/orders, http.request.method=POST, http.response.status_code=201")
	}
}

func authorized(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer good")
	return req
}
