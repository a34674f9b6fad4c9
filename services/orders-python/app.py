"""order-service: stores an order in SQLite, then asks notification-service to confirm it.

OpenTelemetry is set up in code, as in the OpenTelemetry Python getting-started
guide, and configured only through the standard OTEL_* environment variables
(see ../README.md for what polytrace sets).
"""

import ipaddress
import json
import logging
import os
import secrets
import signal
import sqlite3
from contextlib import closing
from urllib.parse import urlparse

import requests
from flask import Flask, jsonify, request
from waitress import create_server

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.trace import Status, StatusCode

from baggage_run_id import add_baggage_span_processor

HOST = os.environ.get("HOST", "0.0.0.0")
PORT = int(os.environ.get("PORT", "8082"))
NOTIFICATION_SERVICE_URL = os.environ.get(
    "NOTIFICATION_SERVICE_URL", "http://notification-service:8083"
)
ORDERS_DB_PATH = os.environ.get("ORDERS_DB_PATH", "orders.db")
CONFORMANCE = os.environ.get("POLYTRACE_CONFORMANCE") == "1"

# Seconds to wait for a downstream service; an unanswered call must not hold
# the caller's request (and its trace) open forever.
DOWNSTREAM_TIMEOUT = 5

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("order-service")

# --- Tracing ---------------------------------------------------------------
#
# Resource.create() reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES and adds
# telemetry.sdk.*; service.name is deliberately not written here, so running
# without OTEL_SERVICE_NAME shows what a backend does with "unknown_service".
# TracerProvider's default sampler reads OTEL_TRACES_SAMPLER(_ARG), and
# BatchSpanProcessor reads OTEL_BSP_*.
# OTLPSpanExporter() reads OTEL_EXPORTER_OTLP_ENDPOINT and uses a plaintext
# channel when the endpoint starts with http:// (TLS for https://).
# The propagator is not set here either: opentelemetry.propagate builds the
# global one from OTEL_PROPAGATORS (default "tracecontext,baggage") on import.
provider = TracerProvider(resource=Resource.create())
add_baggage_span_processor(provider)

# Choosing an exporter from OTEL_TRACES_EXPORTER is done by opentelemetry-instrument,
# not by the SDK classes used here; "console" prints spans for checking by hand.
if os.environ.get("OTEL_TRACES_EXPORTER", "").strip() == "console":
    exporter = ConsoleSpanExporter()
else:
    exporter = OTLPSpanExporter()
provider.add_span_processor(BatchSpanProcessor(exporter))
trace.set_tracer_provider(provider)

tracer = trace.get_tracer("order-service")

# OTEL_PYTHON_DISABLED_INSTRUMENTATIONS is normally read only by the
# opentelemetry-instrument launcher while it auto-loads instrumentations. This
# service instruments itself in code and is started with plain `python app.py`,
# so nothing else would honour it; reading it here keeps the standard switch
# working. polytrace's lost-context scenario sets it to "requests", so the call
# to notification-service goes out without a traceparent header.
_DISABLED_INSTRUMENTATIONS = {
    name.strip() for name in os.environ.get("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "").split(",")
}


def instrumentation_enabled(name):
    return "*" not in _DISABLED_INSTRUMENTATIONS and name not in _DISABLED_INSTRUMENTATIONS


# --- Database --------------------------------------------------------------


def create_schema():
    with closing(sqlite3.connect(ORDERS_DB_PATH)) as connection:
        with connection:  # one transaction: commit on success, roll back on error
            connection.execute(
                """CREATE TABLE IF NOT EXISTS orders (
                       id TEXT PRIMARY KEY,
                       item_count INTEGER NOT NULL,
                       items TEXT NOT NULL,
                       created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
                   )"""
            )


# The schema is created before sqlite3 is instrumented, so start-up does not
# export a stray one-span trace for CREATE TABLE.
create_schema()
if instrumentation_enabled("sqlite3"):
    SQLite3Instrumentor().instrument()
if instrumentation_enabled("requests"):
    # Adds a client span to every requests call and injects the current
    # context (traceparent) into its headers.
    RequestsInstrumentor().instrument()

# --- HTTP service ----------------------------------------------------------

app = Flask(__name__)
if instrumentation_enabled("flask"):
    # Creates the server span for each request, continuing the caller's trace
    # from its traceparent header. Health checks would only add noise.
    FlaskInstrumentor().instrument_app(app, excluded_urls="healthz")


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@app.post("/orders")
def create_order():
    # force=True: callers (the gateway forwards the client's body as is) may
    # not send a JSON Content-Type.
    order = request.get_json(force=True, silent=True)
    if not isinstance(order, dict) or not isinstance(order.get("items", []), list):
        return jsonify({"error": 'expected a JSON object with an "items" list'}), 400
    items = order.get("items", [])

    with tracer.start_as_current_span("order.process") as span:
        span.set_attribute("order.item_count", len(items))

        order_id = save_order(items)
        span.set_attribute("order.id", order_id)

        send_confirmation(order_id)

    return jsonify({"order_id": order_id}), 201


def save_order(items):
    order_id = f"ord-{secrets.token_hex(8)}"
    with tracer.start_as_current_span("db.insert_order") as span:
        span.set_attribute("db.system", "sqlite")
        span.set_attribute("db.operation", "INSERT")
        # The names the stable database semantic conventions use for the same facts.
        span.set_attribute("db.system.name", "sqlite")
        span.set_attribute("db.operation.name", "INSERT")
        span.set_attribute("db.collection.name", "orders")

        # A connection per request: sqlite3 connections must not be shared
        # between waitress's worker threads. The sqlite3 instrumentation traces
        # statements run through a cursor (not connection.execute).
        with closing(sqlite3.connect(ORDERS_DB_PATH)) as connection:
            with connection:
                cursor = connection.cursor()
                cursor.execute(
                    "INSERT INTO orders (id, item_count, items) VALUES (?, ?, ?)",
                    (order_id, len(items), json.dumps(items)),
                )
                cursor.close()
    return order_id


def send_confirmation(order_id):
    with tracer.start_as_current_span("notification.send") as span:
        try:
            response = requests.post(
                f"{NOTIFICATION_SERVICE_URL}/notify",
                json={"order_id": order_id, "type": "confirmation"},
                timeout=DOWNSTREAM_TIMEOUT,
            )
            response.raise_for_status()
        except requests.RequestException as error:
            # The order is already stored, so the caller still gets 201: a
            # missing confirmation e-mail is not a failed order. The failure
            # stays visible on this span (status ERROR plus an exception event).
            logger.warning("notification for %s failed: %s", order_id, error)
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"notification failed: {type(error).__name__}"))


# --- W3C Trace Context conformance (test/README.md of w3c/trace-context) ---


def is_loopback_url(url):
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False
    if parsed.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parsed.hostname).is_loopback
    except ValueError:
        return False


def w3c_test():
    # The harness sends [{"url": ..., "arguments": ...}, ...]; every call goes
    # through the instrumented requests client, so each is a client span that
    # carries this request's context on to the harness.
    calls = request.get_json(force=True, silent=True)
    if not isinstance(calls, list) or not all(
        isinstance(call, dict) and isinstance(call.get("url"), str) for call in calls
    ):
        return jsonify({"error": 'expected a JSON array of {"url", "arguments"}'}), 400
    # Check every URL before calling any, so a bad list has no side effects.
    refused = [call["url"] for call in calls if not is_loopback_url(call["url"])]
    if refused:
        return jsonify({"error": f"expected loopback URLs only, got {refused}"}), 400

    for call in calls:
        try:
            # No redirects: only the given URL was checked to be on loopback,
            # and a loopback server could redirect the call off the machine.
            requests.post(
                call["url"],
                json=call.get("arguments"),
                timeout=DOWNSTREAM_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            logger.warning("conformance call to %s failed: %s", call["url"], error)
    return jsonify({"status": "done"}), 200


if CONFORMANCE:
    app.add_url_rule("/w3c/test", view_func=w3c_test, methods=["POST"])


# --- Start and stop --------------------------------------------------------


def stop(signum, frame):
    # Python's default SIGTERM action ends the process at once, without atexit
    # or finally blocks, so the spans still queued in BatchSpanProcessor would
    # be lost. SystemExit makes waitress leave its loop (it catches SystemExit
    # and stops its worker threads) and lands in main()'s finally block.
    raise SystemExit(0)


def main():
    # waitress, not Flask's development server: a production WSGI server that
    # is pure Python, so it installs anywhere pip does.
    server = create_server(app, host=HOST, port=PORT)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.print_listen("order-service listening on http://{}:{}")
    try:
        server.run()
    finally:
        server.close()
        # Exports every span still queued, then closes the exporter.
        provider.shutdown()


if __name__ == "__main__":
    main()
