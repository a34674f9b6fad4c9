package main

import (
	"net/http"

	// The newest semantic conventions package that every otel release polytrace
	// builds the gateway with still ships (--sdk go=1.41.0 has none newer);
	// http.route and http.request.header.* are stable and the same in each.
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"
)

// requestIDHeader carries the caller's request id from hop to hop. It is
// forwarded by this code, not by OpenTelemetry, so it still reaches the next
// service when the trace context does not (a dropped traceparent, a
// propagator mismatch): polytrace then ties the stray trace to the request
// that caused it by this id, without comparing the services' clocks.
const requestIDHeader = "X-Request-Id"

// recordRequestID puts the incoming request id on the server span as the
// semantic conventions name a captured request header:
// http.request.header.x-request-id, a list of strings (one per header line).
// otelhttp has no switch to capture headers, unlike the other services'
// instrumentations. A request without the header gets no attribute.
func recordRequestID(r *http.Request) {
	if ids := r.Header.Values(requestIDHeader); len(ids) > 0 {
		trace.SpanFromContext(r.Context()).SetAttributes(semconv.HTTPRequestHeader("x-request-id", ids...))
	}
}

// forwardRequestID copies the incoming request ids onto an outgoing call.
// None in, none out: the gateway never invents an id.
func forwardRequestID(out *http.Request, ids []string) {
	for _, id := range ids {
		out.Header.Add(requestIDHeader, id)
	}
}
