// The order.created events from RabbitMQ: order-service publishes one to the
// queue of that name after it stores an order; this service records a receipt
// for each.
//
// HTTP carries the trace context by itself; a message carries it only because
// both ends are instrumented. The amqplib instrumentation (instrumentation.js)
// extracts the context the publisher injected into the message's headers and
// makes a CONSUMER span ("order.created process") for each delivery, active
// while the callback below runs, and ends it when the message is acked. By
// default that span is a child of the publisher's PRODUCER span, so the
// trace goes on; with NOTIFY_LINK_CONSUMER_SPANS=1 it starts a new trace with
// a span link to the publisher's span instead, as the messaging semantic
// conventions allow. README.md shows the same extraction by hand.
const amqp = require('amqplib');
const { SpanStatusCode, trace } = require('@opentelemetry/api');

const ORDER_CREATED_QUEUE = 'order.created';
// The request id order-service puts into the message's headers (application
// code, not OpenTelemetry), as it forwards X-Request-Id over HTTP.
const REQUEST_ID_HEADER = 'x-request-id';

const tracer = trace.getTracer('notification-service');

// The receipt book: the work receipt.record stands for (about 10 ms).
const receipts = new Map();
function recordReceipt(order) {
  return new Promise((resolve) => {
    setTimeout(() => {
      receipts.set(order.order_id, { items: order.item_count, at: new Date().toISOString() });
      resolve();
    }, 10);
  });
}

function onOrderCreated(channel, message) {
  // The CONSUMER span, made by the instrumentation for this delivery.
  const consumerSpan = trace.getActiveSpan();
  const requestId = message.properties.headers?.[REQUEST_ID_HEADER];
  if (requestId !== undefined) {
    // Named like the HTTP conventions' captured headers (a list of strings):
    // polytrace ties this span to its request by it even when the message
    // arrived without a trace context.
    consumerSpan?.setAttribute(`messaging.message.header.${REQUEST_ID_HEADER}`, [String(requestId)]);
  }
  let order;
  try {
    order = JSON.parse(message.content.toString('utf8'));
  } catch (error) {
    consumerSpan?.recordException(error);
    // Not JSON: no retry will fix it, so it is dropped, not requeued.
    channel.nack(message, false, false);
    return;
  }
  // startActiveSpan parents receipt.record on the consumer span.
  tracer.startActiveSpan(
    'receipt.record',
    { attributes: { 'receipt.order_id': String(order.order_id), 'receipt.item_count': Number(order.item_count) } },
    async (span) => {
      try {
        await recordReceipt(order);
      } catch (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      } finally {
        span.end();
        // The ack ends the consumer span.
        channel.ack(message);
      }
    },
  );
}

/** Connects, declares the queue and starts consuming; resolves once deliveries can arrive. */
async function consumeOrderEvents(url) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  // Both sides declare the queue (declaring is idempotent), so neither has to
  // start first. Durable: RabbitMQ 4 deprecates transient non-exclusive queues.
  await channel.assertQueue(ORDER_CREATED_QUEUE, { durable: true });
  await channel.consume(ORDER_CREATED_QUEUE, (message) => {
    // null: the broker cancelled the consumer (the queue was deleted).
    if (message) onOrderCreated(channel, message);
  });
  return { close: () => connection.close() };
}

module.exports = { consumeOrderEvents };
