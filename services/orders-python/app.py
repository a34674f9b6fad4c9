"""order-service: stores an order in SQLite, then asks notification-service to confirm it.

Run it under the opentelemetry-instrument launcher, as the OpenTelemetry Python
getting-started guide runs its Flask app:

    opentelemetry-instrument python app.py

Before this module is imported, the launcher sets up the SDK from the standard
OTEL_* environment variables (see ../README.md for what polytrace sets) and
instruments Flask, requests, sqlite3 and pika. This file holds only the service
and its own spans.
"""

import ipaddress
import json
import logging
import os
import secrets
import signal
import sqlite3
import threading
from contextlib import closing
from urllib.parse import urlparse

import pika
import requests
from flask import Flask, jsonify, request
from waitress import create_server

from opentelemetry import metrics, trace

from baggage_run_id import add_baggage_span_processor

HOST = os.environ.get("HOST", "0.0.0.0")
PORT = int(os.environ.get("PORT", "8082"))
NOTIFICATION_SERVICE_URL = os.environ.get(
    "NOTIFICATION_SERVICE_URL", "http://notification-service:8083"
)
ORDERS_DB_PATH = os.environ.get("ORDERS_DB_PATH", "orders.db")
# RabbitMQ, e.g. amqp://user:password@127.0.0.1:5672/%2F. Unset (the default),
# the service publishes nothing and talks to no broker.
AMQP_URL = os.environ.get("AMQP_URL")
CONFORMANCE = os.environ.get("POLYTRACE_CONFORMANCE") == "1"

# The caller's request id. app.py forwards it itself, not through
# OpenTelemetry, so it reaches notification-service even when the trace context
# does not (the requests instrumentation switched off, a propagator mismatch):
# polytrace then ties the stray trace to the request that caused it by this id,
# without comparing the services' clocks. The Flask instrumentation records it
# on the server span, told by
# OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST=x-request-id.
REQUEST_ID_HEADER = "X-Request-Id"

# Seconds to wait for a downstream service; an unanswered call must not hold
# the caller's request (and its trace) open forever.
DOWNSTREAM_TIMEOUT = 5

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("order-service")

# --- Tracing ---------------------------------------------------------------
#
# The launcher has already set the global tracer provider: its resource comes
# from Resource.create(), which reads OTEL_SERVICE_NAME and
# OTEL_RESOURCE_ATTRIBUTES (service.name is deliberately written nowhere, so
# running without OTEL_SERVICE_NAME shows what a backend does with
# "unknown_service"); its sampler from OTEL_TRACES_SAMPLER(_ARG); a
# BatchSpanProcessor (OTEL_BSP_*) around the exporter OTEL_TRACES_EXPORTER
# names ("otlp" to OTEL_EXPORTER_OTLP_ENDPOINT by default, "console" prints
# spans). The propagator comes from OTEL_PROPAGATORS, and the instrumentations
# OTEL_PYTHON_DISABLED_INSTRUMENTATIONS names are not applied: polytrace's
# lost-context scenario sets "requests", so the call to notification-service
# goes out without a traceparent header.
#
# The launcher's TracerProvider is the global one: the processor that copies
# polytrace's run id from baggage onto every span joins it here, before the
# first request.
add_baggage_span_processor(trace.get_tracer_provider())
tracer = trace.get_tracer("order-service")

# --- Metrics ---------------------------------------------------------------
#
# The launcher has also set the global meter provider from
# OTEL_METRICS_EXPORTER ("otlp": a PeriodicExportingMetricReader exporting every
# OTEL_METRIC_EXPORT_INTERVAL ms). The Flask instrumentation records
# http.server.request.duration through it; this is the service's own counter,
# shaped like the other services' (unit "1", a meter named after the service,
# one low-cardinality attribute).
meter = metrics.get_meter("order-service")
orders_created = meter.create_counter(
    "orders.created",
    unit="1",
    description="Orders taken by POST /orders, by status",
)


class NotificationFailed(Exception):
    """notification-service did not confirm an order: no answer, or not a 2xx status."""


# --- Order events (RabbitMQ) -----------------------------------------------
#
# After an order is stored, an "order.created" message goes to the queue of
# that name, which notification-service consumes. HTTP carries the trace
# context by itself; a message carries it only because the pika
# instrumentation (applied by the launcher) makes a PRODUCER span for each
# basic_publish and injects that span's context (traceparent, tracestate,
# baggage) into the message's headers. Without it (polytrace's
# queue-context-dropped scenario sets OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=pika),
# the consumer starts a new trace. ../README.md shows the same injection by
# hand, for a client no instrumentation covers.
ORDER_CREATED_QUEUE = "order.created"


class OrderEvents:
    """One connection to RabbitMQ, opened on first use, shared by waitress's worker threads.

    pika's BlockingConnection is not thread-safe, so a lock keeps one publish
    at a time on it. A connection the broker dropped (say, after a long idle
    time: nothing here answers its heartbeats between publishes) is reopened
    once.
    """

    def __init__(self, url):
        self._parameters = pika.URLParameters(url)
        self._lock = threading.Lock()
        self._connection = None
        self._channel = None

    def _open(self):
        self._connection = pika.BlockingConnection(self._parameters)
        self._channel = self._connection.channel()
        # The pika instrumentation (0.56b0 and later, 0.66b1 here) instruments
        # both a BlockingChannel and the channel of pika's core it publishes
        # through, so each basic_publish would make two nested PRODUCER spans
        # ("double instrumentation", as polytrace's checks call it). Dropping
        # the inner channel's wrapper (an attribute on that one object) keeps
        # the span of the call this code makes, which injects the context.
        vars(self._channel._impl).pop("basic_publish", None)
        # Both sides declare the queue (declaring is idempotent), so a message
        # published before the consumer is up waits in it instead of being
        # dropped. Durable: RabbitMQ 4 deprecates transient non-exclusive queues.
        self._channel.queue_declare(queue=ORDER_CREATED_QUEUE, durable=True)
        # Publisher confirms: basic_publish returns once the broker has the message.
        self._channel.confirm_delivery()

    def publish_order_created(self, order_id, item_count, request_id):
        body = json.dumps({"order_id": order_id, "item_count": item_count}).encode()
        # The request id travels in the message's own headers, put there by
        # this code, not by OpenTelemetry (as app.py forwards it over HTTP), so
        # polytrace can tie the consumer's span to the request even when the
        # trace context did not travel with the message.
        headers = {REQUEST_ID_HEADER.lower(): request_id} if request_id is not None else {}
        properties = pika.BasicProperties(content_type="application/json", headers=headers)
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._connection is None or self._connection.is_closed:
                        self._open()
                    # The default exchange ("") routes by queue name.
                    self._channel.basic_publish(
                        exchange="", routing_key=ORDER_CREATED_QUEUE, body=body, properties=properties
                    )
                    return
                except (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError):
                    self._connection = None
                    if attempt == 2:
                        raise

    def close(self):
        with self._lock:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()


order_events = OrderEvents(AMQP_URL) if AMQP_URL else None


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


# connection.execute() is not traced by the sqlite3 instrumentation (see
# save_order), so start-up exports no stray one-span trace for CREATE TABLE.
create_schema()

# --- HTTP service ----------------------------------------------------------

# The Flask instrumentation makes the server span of each request, continuing
# the caller's trace from its traceparent header. Health checks would only add
# noise: OTEL_PYTHON_FLASK_EXCLUDED_URLS=healthz, set where the service is
# started (Dockerfile, polytrace's topology), leaves them out.
app = Flask(__name__)
# A request body is read up to 1 MiB, as the gateway reads one; a larger one gets 413.
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024


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

        if order_events is not None:
            order_events.publish_order_created(order_id, len(items), request.headers.get(REQUEST_ID_HEADER))
        send_confirmation(order_id, request.headers.get(REQUEST_ID_HEADER))
        orders_created.add(1, {"status": "created"})

    return jsonify({"order_id": order_id}), 201


@app.errorhandler(NotificationFailed)
def notification_failed(error):
    # The exception has already been recorded on notification.send and
    # order.process (an "exception" event and status ERROR on each) as it left
    # them. The order is stored but was not confirmed, so the caller is told
    # that a service behind this one failed: 502, which also marks the server
    # span ERROR.
    logger.warning("order not confirmed: %s", error)
    orders_created.add(1, {"status": "failed"})
    return jsonify({"error": "notification failed"}), 502


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


def send_confirmation(order_id, request_id):
    # No request id in, none out: the service never makes one up.
    headers = {REQUEST_ID_HEADER: request_id} if request_id is not None else {}
    # An exception that leaves a start_as_current_span block is recorded on
    # that span (an "exception" event with exception.type, exception.message
    # and exception.stacktrace) and sets its status to ERROR, the SDK's
    # default: NotificationFailed marks notification.send, then order.process
    # as it passes through.
    with tracer.start_as_current_span("notification.send"):
        try:
            response = requests.post(
                f"{NOTIFICATION_SERVICE_URL}/notify",
                json={"order_id": order_id, "type": "confirmation"},
                headers=headers,
                timeout=DOWNSTREAM_TIMEOUT,
            )
        except requests.RequestException as error:
            raise NotificationFailed(f"notification-service could not be reached: {error}") from error
        if not 200 <= response.status_code < 300:
            raise NotificationFailed(f"expected 2xx from notification-service, got {response.status_code}")


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


def refused_from_browser():
    # A web page open in the user's browser could POST here too: a browser
    # names the page's origin on every POST, and without a preflight it can send
    # only "simple" bodies such as text/plain. The suite's harness and
    # polytrace's probe send JSON and no Origin.
    origin = request.headers.get("Origin")
    if origin is not None:
        return jsonify({"error": f"expected no Origin (a test harness, not a web page), got {origin!r}"}), 403
    if request.mimetype != "application/json":
        return jsonify({"error": f"expected Content-Type application/json, got {request.content_type!r}"}), 415
    return None


def w3c_test():
    refused = refused_from_browser()
    if refused:
        return refused
    # The harness sends [{"url": ..., "arguments": ...}, ...]; every call goes
    # through the instrumented requests client, so each is a client span that
    # carries this request's context on to the harness.
    calls = request.get_json(silent=True)
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


def shutdown_telemetry():
    # The global providers are the ones the launcher set. shutdown() exports
    # every span still queued and closes the exporter; the meter provider too
    # exports its last readings, if OTEL_METRICS_EXPORTER names an exporter.
    # Run without the launcher, the globals are the API's no-op proxies, which
    # have nothing to flush and no shutdown().
    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider()):
        if hasattr(provider, "shutdown"):
            provider.shutdown()


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
        if order_events is not None:
            order_events.close()
        shutdown_telemetry()


if __name__ == "__main__":
    main()
