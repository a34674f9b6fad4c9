package main

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// meter makes this service's own instruments. otelhttp records the HTTP ones
// (http.server.request.duration and the client's) through the same global
// meter provider, which setupOTelSDK sets.
var meter = otel.Meter("api-gateway")

// How a POST /orders ended: the values of gateway.requests' outcome attribute.
// Three values only, so the counter stays low-cardinality.
const (
	outcomeForwarded    = "forwarded"    // order-service created the order
	outcomeUnauthorized = "unauthorized" // auth-service said no, or could not be asked
	outcomeFailed       = "failed"       // an unreadable body, or order-service failed
)

// gatewayRequests is the gateway's business counter, shaped like the other
// services' (unit "1", a meter named after the service).
var gatewayRequests = func() metric.Int64Counter {
	counter, err := meter.Int64Counter("gateway.requests",
		metric.WithDescription("Orders the gateway handled, by outcome"),
		metric.WithUnit("1"),
	)
	if err != nil {
		panic(err) // only an invalid name or unit fails, and these are constants
	}
	return counter
}()

// countRequest adds one request with its outcome. ctx holds the server span,
// so the measurement can carry it as an exemplar.
func countRequest(ctx context.Context, outcome string) {
	gatewayRequests.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", outcome)))
}
