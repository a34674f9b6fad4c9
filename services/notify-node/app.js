// notification-service: the last hop of the polytrace chain. The order
// service calls POST /notify; the incoming traceparent makes our spans part
// of its trace. With AMQP_URL set, it also consumes the order service's
// order.created messages from RabbitMQ (order-events.js).
const express = require('express');
const { metrics, SpanStatusCode, trace, ValueType } = require('@opentelemetry/api');
// Already loaded by `--require ./instrumentation.js` (before express);
// requiring it again returns the same module, which holds the providers to flush.
const { shutdownTelemetry } = require('./instrumentation');
const { handleW3cTest } = require('./w3c-test');
const { sendEmail } = require('./email-provider');
const { consumeOrderEvents } = require('./order-events');

const HOST = process.env.HOST || '0.0.0.0';
const PORT = Number(process.env.PORT || 8083);
// RabbitMQ, e.g. amqp://user:password@127.0.0.1:5672. Unset (the default), the
// service talks to no broker.
const AMQP_URL = process.env.AMQP_URL;

const tracer = trace.getTracer('notification-service');

// The service's business counter, shaped like the other services' (unit "1",
// integer values, a meter named after the service, low-cardinality
// attributes). instrumentation.js, loaded first, has set the global meter
// provider from OTEL_METRICS_EXPORTER by now.
const notificationsSent = metrics.getMeter('notification-service').createCounter('notifications.sent', {
  description: 'Notifications POST /notify tried to send, by channel and result',
  unit: '1',
  valueType: ValueType.INT,
});

const app = express();
app.use(express.json());

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.post('/notify', (req, res) => {
  const { type, order_id: orderId } = req.body ?? {};

  // The http instrumentation's server span ("POST /notify"), continued from
  // the order service's traceparent.
  const span = trace.getActiveSpan();
  span?.setAttribute('notification.type', type);
  span?.setAttribute('notification.order_id', orderId);

  // startActiveSpan parents email.send on the server span.
  tracer.startActiveSpan(
    'email.send',
    {
      attributes: {
        'email.recipient': 'customer@example.com',
        'email.template': 'order_confirmation',
      },
    },
    async (sendSpan) => {
      let failure;
      try {
        await sendEmail();
      } catch (error) {
        // An exception event (exception.type, .message, .stacktrace) and
        // status ERROR; the 502 below marks the server span ERROR too.
        failure = error;
        sendSpan.recordException(error);
        sendSpan.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      sendSpan.end();
      notificationsSent.add(1, { channel: 'email', result: failure ? 'failed' : 'sent' });
      if (failure) res.status(502).json({ error: 'email provider failed' });
      else res.status(202).json({ status: 'queued' });
    },
  );
});

if (process.env.POLYTRACE_CONFORMANCE === '1') {
  app.post('/w3c/test', handleW3cTest);
}

let server;
let orderEvents;

async function start() {
  // The consumer first: the service is healthy only once it can take messages.
  if (AMQP_URL) {
    orderEvents = await consumeOrderEvents(AMQP_URL);
    console.log('consuming order.created from RabbitMQ');
  }
  server = app.listen(PORT, HOST, (err) => {
    if (err) throw err;
    console.log(`notification-service listening on http://${HOST}:${PORT}`);
  });
}

// Spans wait in the batch processor; without a flush on exit the last
// requests' spans would be lost.
function shutdown(signal) {
  console.log(`${signal} received, shutting down`);
  const flush = async () => {
    try {
      await orderEvents?.close();
    } catch (err) {
      console.error(`closing the RabbitMQ connection failed: ${err.message}`);
    }
    try {
      await shutdownTelemetry();
    } catch (err) {
      console.error(`flushing spans and metrics failed: ${err.message}`);
    }
    process.exit(0);
  };
  // close() stops accepting and calls back once in-flight requests are done.
  if (server) server.close(flush);
  else void flush();
}

process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

start().catch((err) => {
  console.error(`notification-service could not start: ${err.message}`);
  process.exit(1);
});
