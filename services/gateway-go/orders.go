package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracer creates this service's own spans; otelhttp makes the HTTP ones.
var tracer = otel.Tracer("api-gateway")

// maxBodyBytes bounds what the gateway buffers before forwarding an order.
const maxBodyBytes = 1 << 20

type gateway struct {
	authURL  string
	orderURL string
	client   *http.Client
}

// createOrder handles POST /orders: verify the caller, then create the order.
func (g *gateway) createOrder(w http.ResponseWriter, r *http.Request) {
	outcome := outcomeFailed
	defer func() { countRequest(r.Context(), outcome) }()

	// Read the body first: it is forwarded only once auth has said yes.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "could not read request body"})
		return
	}

	// Both calls carry the caller's request id on, whatever happens to the
	// trace context on the way.
	requestIDs := r.Header.Values(requestIDHeader)

	if err := g.verify(r.Context(), r.Header.Get("Authorization"), requestIDs); err != nil {
		log.Printf("auth.verify: %v", err)
		outcome = outcomeUnauthorized
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}

	order, err := g.createInOrderService(r.Context(), body, requestIDs)
	if err != nil {
		log.Printf("orders.create: %v", err)
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "order service failed"})
		return
	}

	outcome = outcomeForwarded
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(order)
}

// verify asks auth-service whether the caller's Authorization header is valid.
func (g *gateway) verify(ctx context.Context, authorization string, requestIDs []string) (err error) {
	// The request below uses this ctx, so its client span is a child of
	// auth.verify rather than a sibling.
	ctx, span := tracer.Start(ctx, "auth.verify")
	defer func() { endSpan(span, err) }()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.authURL+"/verify", nil)
	if err != nil {
		return err
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	forwardRequestID(req, requestIDs)

	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer drainAndClose(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("expected 200 from auth-service, got %d", resp.StatusCode)
	}
	return nil
}

// createInOrderService forwards the order and returns order-service's JSON.
func (g *gateway) createInOrderService(ctx context.Context, order []byte, requestIDs []string) (body []byte, err error) {
	ctx, span := tracer.Start(ctx, "orders.create")
	defer func() { endSpan(span, err) }()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.orderURL+"/orders", bytes.NewReader(order))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	forwardRequestID(req, requestIDs)

	resp, err := g.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer drainAndClose(resp.Body)
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("expected 2xx from order-service, got %d", resp.StatusCode)
	}
	return body, nil
}

// endSpan marks span as failed when err is set, then ends it, so a trace
// view shows which hop broke the request. The exception event carries the
// stack as well (exception.stacktrace), as the other languages' do.
func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err, trace.WithStackTrace(true))
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// drainAndClose lets the transport reuse the connection.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxBodyBytes))
	_ = body.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
