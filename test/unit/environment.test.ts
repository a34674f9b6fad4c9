// The OTEL_* contract every service gets (services/README.md): the same
// variables for all four languages, metrics on, logs off.
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../src/scenarios/catalog.js';
import { scenarioEnvironment } from '../../src/scenarios/scenario.js';
import { serviceNamed, services } from '../../src/topology/chain.js';
import {
  defaultEnvironmentOptions,
  serviceEnvironment,
  servicesChanged,
  type Addressing,
} from '../../src/topology/environment.js';

const addressing: Addressing = {
  serviceUrl: (s) => `http://127.0.0.1:${s.port}`,
  collectorGrpcUrl: 'http://127.0.0.1:4317',
  collectorToken: 'secret',
  bindHost: '127.0.0.1',
  listenPort: (s) => s.port,
  brokerUrl: (b) => `amqp://polytrace:secret@127.0.0.1:${b.ports.amqp}/%2F`,
};

describe('serviceEnvironment', () => {
  it.each(services.map((s) => [s.name, s] as const))(
    '%s exports metrics over OTLP, often, with the run token',
    (_, service) => {
      const env = serviceEnvironment(service, addressing, {
        ...defaultEnvironmentOptions,
        metricExportIntervalMs: 750,
      });
      expect(env).toMatchObject({
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '750',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20secret',
      });
    },
  );

  it('exports metrics every second by default, so a short run still has them', () => {
    expect(defaultEnvironmentOptions.metricExportIntervalMs).toBe(1000);
  });
});

describe('servicesChanged: what a scenario switch restarts', () => {
  const env = (name: string) => scenarioEnvironment(findScenario(name)!);

  it.each([
    ['happy', 'propagator-mismatch', ['notification-service']],
    ['propagator-mismatch', 'happy', ['notification-service']],
    ['happy', 'unauthorized', []],
    ['happy', 'lost-context', ['order-service']],
    ['happy', 'downstream-error', ['notification-service']],
    ['happy', 'clock-skew', ['order-service']],
    ['propagator-mismatch', 'sampling-mismatch', ['order-service', 'notification-service']],
    ['happy', 'async', ['order-service', 'notification-service']],
    ['happy', 'happy', []],
  ])('%s → %s restarts %j', (from, to, expected) => {
    expect(servicesChanged(env(from), env(to))).toEqual(expected);
  });
});

describe('the broker in the environment', () => {
  const orders = serviceNamed('order-service');
  const notify = serviceNamed('notification-service');

  it('reaches the services (AMQP_URL) only in a run that starts it', () => {
    const happy = scenarioEnvironment(findScenario('happy')!);
    expect(happy.brokers).toBeUndefined();
    expect(serviceEnvironment(orders, addressing, happy).AMQP_URL).toBeUndefined();
    const async = scenarioEnvironment(findScenario('async')!);
    expect(async.brokers).toEqual(['rabbitmq']);
    expect(serviceEnvironment(orders, addressing, async).AMQP_URL).toBe('amqp://polytrace:secret@127.0.0.1:5672/%2F');
    expect(serviceEnvironment(notify, addressing, async).AMQP_URL).toBe('amqp://polytrace:secret@127.0.0.1:5672/%2F');
  });

  it('--links switches notification-service to consumer spans that link, and nothing else', () => {
    const linked = scenarioEnvironment(findScenario('async')!, { links: true });
    expect(serviceEnvironment(notify, addressing, linked).NOTIFY_LINK_CONSUMER_SPANS).toBe('1');
    expect(serviceEnvironment(orders, addressing, linked).NOTIFY_LINK_CONSUMER_SPANS).toBeUndefined();
    expect(
      serviceEnvironment(notify, addressing, scenarioEnvironment(findScenario('async')!)).NOTIFY_LINK_CONSUMER_SPANS,
    ).toBeUndefined();
  });
});

describe('attribute value length', () => {
  it('is bounded in every SDK, so a caller header copied onto a span cannot grow the trace without end', async () => {
    const { attributeValueLengthLimit, otelSettings } = await import('../../src/topology/environment.js');
    for (const [service, settings] of Object.entries(otelSettings())) {
      expect(settings.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, service).toBe(String(attributeValueLengthLimit));
      expect(settings.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, service).toBe(String(attributeValueLengthLimit));
    }
  });
});
