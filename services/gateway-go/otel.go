package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/contrib/processors/baggagecopy"
	"go.opentelemetry.io/contrib/propagators/autoprop"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/baggage"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// sdkDisabled reports whether OTEL_SDK_DISABLED is "true" (any case), the
// specification's switch that turns off every signal of an SDK. The Go SDK
// does not read it, unlike the other three services' SDKs, so the gateway
// does, and then sets up no SDK and no instrumentation at all.
func sdkDisabled() bool {
	return strings.EqualFold(strings.TrimSpace(os.Getenv("OTEL_SDK_DISABLED")), "true")
}

// setupOTelSDK configures tracing and metrics from the standard OTEL_*
// environment variables only, so polytrace drives this service exactly like
// the other three. It returns the function that flushes and stops the SDK.
func setupOTelSDK(ctx context.Context) (shutdown func(context.Context) error, err error) {
	// OTEL_PROPAGATORS picks the header format (tracecontext,baggage by
	// default; a scenario may switch this service to b3).
	otel.SetTextMapPropagator(autoprop.NewTextMapPropagator())

	// OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_* choose where spans go:
	// OTLP/gRPC to the Collector in a run, "console" for a quick local look.
	exporter, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		return nil, err
	}

	detected, err := resource.New(ctx,
		resource.WithFromEnv(),      // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
		resource.WithTelemetrySDK(), // telemetry.sdk.language=go, name, version
		resource.WithHost(),
	)
	if err != nil {
		return nil, err
	}
	// resource.Default supplies the spec's "unknown_service:<executable>"
	// fallback, so a run without OTEL_SERVICE_NAME still shows what it lacks.
	res, err := resource.Merge(resource.Default(), detected)
	if err != nil {
		return nil, err
	}

	// The SDK itself reads OTEL_TRACES_SAMPLER(_ARG) and OTEL_BSP_*.
	tracerProvider := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(baggagecopy.NewSpanProcessor(copyRunID)),
		sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(res),
	)
	otel.SetTracerProvider(tracerProvider)

	// OTEL_METRICS_EXPORTER chooses the reader ("otlp": a periodic reader
	// exporting every OTEL_METRIC_EXPORT_INTERVAL; "none": nothing). otelhttp
	// and this service's own counter both use the global meter provider.
	reader, err := autoexport.NewMetricReader(ctx)
	if err != nil {
		return nil, errors.Join(err, tracerProvider.Shutdown(ctx))
	}
	meterProvider := sdkmetric.NewMeterProvider(
		sdkmetric.WithReader(reader),
		sdkmetric.WithResource(res),
	)
	otel.SetMeterProvider(meterProvider)

	// Shutdown also flushes the spans still queued in the batch processor,
	// and the meter provider exports its readings one last time.
	return func(ctx context.Context) error {
		return errors.Join(tracerProvider.Shutdown(ctx), meterProvider.Shutdown(ctx))
	}, nil
}

// runIDKey is the baggage member polytrace sends with each request.
const runIDKey = "polytrace.run_id"

// copyRunID lets the baggage span processor copy only polytrace.run_id from
// the incoming baggage onto every span this service starts (server, client
// and internal), so polytrace can check that the run id reached every hop.
// Other baggage members are still propagated, but not recorded on spans.
func copyRunID(member baggage.Member) bool {
	return member.Key() == runIDKey
}
