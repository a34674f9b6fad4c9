import { describe, expect, it } from 'vitest';
import { applyPortOverrides, defaultPorts, portOwner, portsInUse } from '../../src/topology/ports.js';

describe('ports', () => {
  it("defaults to the article's ports", () => {
    expect(defaultPorts()).toEqual({
      'api-gateway': 8080,
      'auth-service': 8081,
      'order-service': 8082,
      'notification-service': 8083,
      'otel-collector.grpc': 4317,
      'otel-collector.http': 4318,
      'otel-collector.health': 13133,
      'rabbitmq.amqp': 5672,
      'rabbitmq.dist': 25672,
      'rabbitmq.epmd': 4369,
    });
  });

  it("binds the broker's ports only in a run that starts it, and its Erlang ports only as local processes", () => {
    const ports = defaultPorts();
    expect(Object.keys(portsInUse(ports, [], 'local'))).not.toContain('rabbitmq.amqp');
    expect(portsInUse(ports, ['rabbitmq'], 'local')).toMatchObject({
      'rabbitmq.amqp': 5672,
      'rabbitmq.dist': 25672,
      'rabbitmq.epmd': 4369,
    });
    const docker = portsInUse(ports, ['rabbitmq'], 'docker');
    expect(docker['rabbitmq.amqp']).toBe(5672);
    expect(Object.keys(docker)).not.toContain('rabbitmq.epmd');
    expect(Object.keys(portsInUse(ports, ['rabbitmq'], 'docker'))).toContain('api-gateway');
  });

  it('names the component and the port in messages', () => {
    expect(portOwner('rabbitmq.epmd')).toBe('rabbitmq, epmd');
    expect(portOwner('otel-collector.grpc')).toBe('otel-collector, grpc');
    expect(portOwner('api-gateway')).toBe('api-gateway');
  });

  it('moves a port', () => {
    expect(applyPortOverrides(defaultPorts(), ['api-gateway=9080'])).toMatchObject({ 'api-gateway': 9080 });
  });

  it.each([
    ['gateway=1', /Expected --port to name one of/],
    ['api-gateway', /Expected --port name=number/],
    ['api-gateway=70000', /from 1 to 65535/],
    ['api-gateway=8081', /auth-service and api-gateway both use 8081|api-gateway and auth-service both use 8081/],
  ])('rejects %s with a sentence', (override, message) => {
    expect(applyPortOverrides(defaultPorts(), [override])).toMatch(message);
  });
});
