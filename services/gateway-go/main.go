// Command api-gateway is the entry point of the polytrace chain: it checks the
// caller with auth-service, then hands the order to order-service, and every
// hop carries the same W3C trace context.
package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	// The newest semantic conventions package that every otel release polytrace
	// builds the gateway with still ships (--sdk go=1.41.0 has none newer);
	// http.route and http.request.header.* are stable and the same in each.
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"
)

// shutdownTimeout keeps a stop within the few seconds the contract allows.
const shutdownTimeout = 5 * time.Second

func main() {
	if err := run(); err != nil {
		log.Fatalln(err)
	}
}

func run() error {
	// polytrace stops services with SIGTERM; Ctrl+C sends SIGINT.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// OTEL_SDK_DISABLED=true runs the gateway with no telemetry at all: no
	// providers (the API's no-op ones stay) and no otelhttp around the handler
	// or the client, so nothing is traced, measured or propagated.
	instrumented := !sdkDisabled()
	otelShutdown := func(context.Context) error { return nil }
	if instrumented {
		var err error
		if otelShutdown, err = setupOTelSDK(ctx); err != nil {
			return err
		}
	}

	gateway := &gateway{
		authURL:  getenv("AUTH_SERVICE_URL", "http://auth-service:8081"),
		orderURL: getenv("ORDER_SERVICE_URL", "http://order-service:8082"),
		client:   newClient(instrumented),
	}

	srv := &http.Server{
		Handler:           newHTTPHandler(gateway, os.Getenv("POLYTRACE_CONFORMANCE") == "1", instrumented),
		ReadHeaderTimeout: 5 * time.Second,
	}
	// Listen before logging, so "listening" means the port is really open.
	ln, err := net.Listen("tcp", net.JoinHostPort(getenv("HOST", "0.0.0.0"), getenv("PORT", "8080")))
	if err != nil {
		return errors.Join(err, otelShutdown(context.Background()))
	}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()
	log.Printf("api-gateway listening on %s", ln.Addr())

	select {
	case err = <-srvErr:
		return errors.Join(err, otelShutdown(context.Background()))
	case <-ctx.Done():
		stop() // a second signal now kills the process the default way
	}

	log.Println("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Let in-flight requests finish first, so their spans end before the flush.
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("server shutdown: %v", err)
	}
	// A Collector that cannot be reached must not turn a clean stop into a
	// failure, so flush problems are logged rather than returned.
	if err := otelShutdown(shutdownCtx); err != nil {
		log.Printf("flushing spans: %v", err)
	}
	return nil
}

// newClient is the client for every outgoing call. Instrumented, its
// transport makes a client span for each call and injects traceparent (or b3)
// into its headers; otherwise it is the plain default transport.
func newClient(instrumented bool) *http.Client {
	transport := http.DefaultTransport
	if instrumented {
		transport = otelhttp.NewTransport(transport,
			// Stable HTTP semconv names client spans "{method}", as the
			// other services' SDKs do; otelhttp defaults to "HTTP {method}".
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
				return r.Method
			}),
		)
	}
	return &http.Client{
		Transport: transport,
		// Redirects are never followed: POST /w3c/test only checks that the
		// URL it is given is on loopback, and a loopback server could answer
		// with a redirect off this machine. The peers in the chain never
		// redirect, so for them a 3xx is simply a failed call.
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 10 * time.Second,
	}
}

func newHTTPHandler(g *gateway, conformance, instrumented bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	handle(mux, "POST", "/orders", g.createOrder)
	if conformance {
		handle(mux, "POST", "/w3c/test", g.w3cTest)
	}
	if !instrumented {
		return mux
	}
	// One server span per request, continuing the caller's trace, renamed
	// "{method} {route}" (the ServeMux pattern) once routed. Newer otelhttp
	// names it so itself; older releases (v0.66.0) would keep "api-gateway".
	return otelhttp.NewHandler(mux, "api-gateway",
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if r.Pattern != "" {
				return r.Pattern
			}
			return r.Method
		}),
		// Health probes would only add noise to every trace view.
		otelhttp.WithFilter(func(r *http.Request) bool {
			return r.URL.Path != "/healthz"
		}),
	)
}

// handle registers h for "method route" and records http.route on the server
// span: otelhttp starts that span before the ServeMux has matched a pattern,
// so it does not add the attribute itself. The route goes on the request's
// metrics through otelhttp's Labeler: newer otelhttp does that from the
// ServeMux pattern, but older releases (v0.66.0, which --sdk go=1.41.0
// brings) do not; this works with each.
// The caller's X-Request-Id goes on the same span.
func handle(mux *http.ServeMux, method, route string, h http.HandlerFunc) {
	mux.HandleFunc(method+" "+route, func(w http.ResponseWriter, r *http.Request) {
		trace.SpanFromContext(r.Context()).SetAttributes(semconv.HTTPRoute(route))
		if labeler, ok := otelhttp.LabelerFromContext(r.Context()); ok {
			labeler.Add(semconv.HTTPRoute(route))
		}
		recordRequestID(r)
		h(w, r)
	})
}

func getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
