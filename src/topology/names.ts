// The names of the chain's parts, declared once. Every other name of a
// service, flow, broker or port is one of these types, so a misspelt name is
// a compile error rather than a lookup that finds nothing.

/** The chain's four services, in the order of a request through them. */
export const serviceNames = ['api-gateway', 'auth-service', 'order-service', 'notification-service'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** The kinds of request polytrace fires; a flow is keyed by its own name. */
export const flowNames = ['order', 'async-order', 'unauthorized', 'failed-order'] as const;
export type FlowName = (typeof flowNames)[number];

export type CollectorName = 'otel-collector';
export type BrokerName = 'rabbitmq';
/** The CLI itself: the caller of the entry service and the root of every trace. */
export type ClientName = 'polytrace';

/** Whether a name from outside the topology (a span's `service.name`, a flag) is one of the chain's services. */
export const isServiceName = (name: string): name is ServiceName => (serviceNames as readonly string[]).includes(name);
