"""Copies the polytrace.run_id baggage member onto every span of this service.

polytrace sends `baggage: polytrace.run_id=<id>` with its requests and checks
that the run id reached every hop. BaggageSpanProcessor (from
opentelemetry-processor-baggage) reads the baggage of each span's parent
context when the span starts and sets the allowed members as attributes, so
the server, internal and client spans all carry it. Only this one key is
copied: other baggage members are still propagated, but not recorded.
"""

from opentelemetry.processor.baggage import BaggageSpanProcessor

RUN_ID_KEY = "polytrace.run_id"


def is_run_id(baggage_key):
    return baggage_key == RUN_ID_KEY


def add_baggage_span_processor(tracer_provider):
    """Adds the processor to an SDK TracerProvider (before any span starts).

    Started without the opentelemetry-instrument launcher there is no SDK
    provider (only the API's no-op one), and nothing to add it to.
    """
    if hasattr(tracer_provider, "add_span_processor"):
        tracer_provider.add_span_processor(BaggageSpanProcessor(is_run_id))
