// Package deps imports every module package api-gateway uses, and nothing
// else. The Dockerfile compiles it in a layer of its own, before the service's
// own files are copied in, so an edit of those recompiles only package main
// (seconds) and not the OpenTelemetry SDK, gRPC and the rest (a minute or
// more). Keep it in step with the imports of the service's .go files:
// polytrace's unit tests check that it names each of them.
package deps

import (
	_ "go.opentelemetry.io/contrib/exporters/autoexport"
	_ "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	_ "go.opentelemetry.io/contrib/processors/baggagecopy"
	_ "go.opentelemetry.io/contrib/propagators/autoprop"
	_ "go.opentelemetry.io/otel"
	_ "go.opentelemetry.io/otel/attribute"
	_ "go.opentelemetry.io/otel/baggage"
	_ "go.opentelemetry.io/otel/codes"
	_ "go.opentelemetry.io/otel/metric"
	_ "go.opentelemetry.io/otel/sdk/metric"
	_ "go.opentelemetry.io/otel/sdk/resource"
	_ "go.opentelemetry.io/otel/sdk/trace"
	_ "go.opentelemetry.io/otel/semconv/v1.39.0"
	_ "go.opentelemetry.io/otel/trace"
)
