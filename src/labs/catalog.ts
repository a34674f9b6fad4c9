// The exercises `polytrace lab` offers: one real mistake each, in each of the
// four languages and at the broker. Their patches live in labs/<id>/ (the
// mistake, the reference solution, one refused shortcut).
import type { Exercise } from './exercise.js';

const gateway = 'api-gateway';
const auth = 'auth-service';
const orders = 'order-service';
const notify = 'notification-service';

export const exercises: readonly Exercise[] = [
  {
    id: 'go-propagator',
    service: gateway,
    kind: 'missing-propagation',
    title: 'The gateway that never sets its propagator',
    story:
      'The Go gateway sets up its tracer provider and wraps its server and client in otelhttp, yet every service starts a trace of its own. Nothing tells the Go SDK which header format to read and write, and its global propagator does nothing until one is set.',
    file: 'otel.go',
    hints: [
      'Every span is there, but in four traces: something reads and writes the traceparent header for otelhttp, and in Go it is global.',
      'Look for otel.SetTextMapPropagator in setupOTelSDK: the Go SDK has a no-op propagator until it is called.',
      'In setupOTelSDK, call otel.SetTextMapPropagator(autoprop.NewTextMapPropagator()) (import go.opentelemetry.io/contrib/propagators/autoprop): it reads OTEL_PROPAGATORS, tracecontext,baggage by default.',
    ],
    flow: 'order',
    requires: {
      spans: [
        { service: gateway, name: 'POST /orders' },
        { service: auth, name: 'GET /verify' },
        { service: orders, name: 'POST /orders' },
      ],
      hops: ['polytrace → api-gateway', 'api-gateway → auth-service', 'api-gateway → order-service'],
    },
    breaksAt: 'polytrace → api-gateway',
    shortcut: {
      tried: 'write a traceparent header by hand on the gateway’s outgoing requests',
      refused:
        'the callees then join a trace polytrace never sent, and the gateway’s own spans still start a trace of their own: the hop is not linked by the span the SDK sent',
    },
  },
  {
    id: 'java-executor',
    service: auth,
    kind: 'context-lost',
    title: 'A thread pool that drops the context',
    story:
      'auth-service checks each token on a small thread pool of its own, so that a slow check never holds a Tomcat thread. Since then, token.validate shows up as the root of a trace of its own, apart from the request it belongs to.',
    file: 'src/main/java/com/example/auth/VerifyController.java',
    hints: [
      'The span is made on another thread than the request: what travels from one thread to the next by itself?',
      'The current Context lives in a thread-local; a task handed to an ExecutorService does not take it along unless the executor is wrapped.',
      'Wrap the pool: Context.taskWrapping(Executors.newFixedThreadPool(2)) (import io.opentelemetry.context.Context), so every task runs in the context it was submitted from.',
    ],
    flow: 'order',
    requires: {
      spans: [
        { service: auth, name: 'GET /verify' },
        { service: auth, name: 'token.validate' },
      ],
      hops: ['api-gateway → auth-service'],
    },
    breaksAt: 'inside auth-service',
    shortcut: {
      tried: 'drop the token.validate span, so nothing is left to lose its parent',
      refused: 'token.validate is a span the exercise requires: a trace without it is not whole',
    },
  },
  {
    id: 'python-thread',
    service: orders,
    kind: 'context-lost',
    title: 'Confirmations sent from a thread pool',
    story:
      'order-service sends each confirmation from a small ThreadPoolExecutor, so a slow notification-service ties up its two threads and not the web server’s. Since then notification.send and everything after it start a new trace.',
    file: 'app.py',
    hints: [
      'notification.send is made on a thread the request never ran on: which trace does a new thread think it is in?',
      'The current span lives in a contextvar, and a ThreadPoolExecutor runs each task in the worker thread’s own context, not the submitter’s.',
      'Submit the task inside a copy of the caller’s context: notifier.submit(contextvars.copy_context().run, send_confirmation, …) (import contextvars).',
    ],
    flow: 'order',
    requires: {
      spans: [
        { service: orders, name: 'notification.send' },
        { service: notify, name: 'POST /notify' },
      ],
      hops: ['order-service → notification-service'],
    },
    breaksAt: 'order-service → notification-service',
    shortcut: {
      tried: 'stop sending the confirmation, so no span is left on the pool’s thread',
      refused:
        'notification.send and notification-service’s POST /notify are required spans: a trace without the call is not whole',
    },
  },
  {
    id: 'python-urllib',
    service: orders,
    kind: 'manual-propagation',
    title: 'An HTTP client the instrumentation does not know',
    story:
      'order-service now calls notification-service with the standard library’s urllib, one dependency less than requests. No instrumentation covers urllib here, so the call goes out without a span and without a traceparent, and notification-service starts a trace of its own.',
    file: 'app.py',
    hints: [
      'The call to notification-service has no CLIENT span, and the callee got no traceparent: who was meant to make both?',
      'Only the requests instrumentation is installed; for urllib, the code has to start the CLIENT span and put its context into the headers itself.',
      'Inside notification.send, start tracer.start_as_current_span("POST", kind=trace.SpanKind.CLIENT), call inject(headers) (from opentelemetry.propagate import inject) inside it, then urlopen.',
    ],
    flow: 'order',
    requires: {
      spans: [
        { service: orders, name: 'notification.send' },
        { service: notify, name: 'POST /notify' },
      ],
      hops: ['order-service → notification-service'],
    },
    breaksAt: 'order-service → notification-service',
    shortcut: {
      tried: 'pass the incoming request’s traceparent header on to notification-service by hand',
      refused:
        'POST /notify then hangs under the gateway’s span, not under a CLIENT span of order-service: the hop is linked only by the span the SDK really sent',
    },
  },
  {
    id: 'node-email-queue',
    service: notify,
    kind: 'context-lost',
    title: 'An outbox drained by a timer',
    story:
      'notification-service puts each email into an outbox that one timer drains every 5 ms, so a burst of orders never opens more than one connection to the mail provider. Since then email.send is the root of a trace of its own.',
    file: 'app.js',
    hints: [
      'email.send starts in a callback that the request did not call: whose context does that callback run in?',
      'A timer’s callback runs in the context active when the timer was created (at start-up: none); the job has to carry the request’s context with it.',
      'Take const requestContext = context.active() in the handler and pass it to tracer.startActiveSpan("email.send", options, requestContext, fn) (context from @opentelemetry/api).',
    ],
    flow: 'order',
    requires: {
      spans: [
        { service: notify, name: 'POST /notify' },
        { service: notify, name: 'email.send' },
      ],
      hops: ['order-service → notification-service'],
    },
    breaksAt: 'inside notification-service',
    shortcut: {
      tried: 'send the email without the email.send span',
      refused: 'email.send is a span the exercise requires: a trace without it is not whole',
    },
  },
  {
    id: 'node-amqp-consumer',
    service: notify,
    kind: 'missing-propagation',
    title: 'A consumer nobody instruments',
    story:
      'order-service publishes order.created to RabbitMQ with the trace context in the message headers, and notification-service records a receipt for each. The receipt starts a trace of its own, because nothing on the consuming side reads those headers or makes the CONSUMER span.',
    file: 'instrumentation.js',
    hints: [
      'The publisher’s PRODUCER span is there, with the context in the message: what on the consumer’s side is meant to pick it up?',
      'instrumentations() in instrumentation.js registers HTTP and Express; the amqplib instrumentation is required at the top of the file, but never registered.',
      'Add new AmqplibInstrumentation() to the list instrumentations() returns: it extracts the context from each delivery and makes the CONSUMER span.',
    ],
    flow: 'async-order',
    requires: {
      spans: [
        { service: orders, name: 'order.created send' },
        { service: notify, name: 'order.created process' },
        { service: notify, name: 'receipt.record' },
      ],
      hops: ['order-service → rabbitmq → notification-service'],
    },
    breaksAt: 'order-service → rabbitmq → notification-service',
    shortcut: {
      tried: 'extract the message headers by hand and parent receipt.record on them, with no CONSUMER span',
      refused:
        'the trace is then joined, but the CONSUMER span the hop requires ("order.created process") is missing: a message hop is a PRODUCER span whose child is the CONSUMER span',
    },
  },
];

/** One exercise by its id, or none. */
export const findExercise = (id: string): Exercise | undefined => exercises.find((e) => e.id === id);
