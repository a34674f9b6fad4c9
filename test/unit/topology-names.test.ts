// The topology declares each name once (src/topology/names.ts); these tests
// hold the records that the compiler cannot tie to those lists.
import { describe, expect, it } from 'vitest';
import { flows, serviceNamed, services } from '../../src/topology/chain.js';
import { flowNames, isServiceName, serviceNames } from '../../src/topology/names.js';

describe('topology names', () => {
  it('has one service for each service name, in the order a request travels', () => {
    expect(services.map((s) => s.name)).toEqual([...serviceNames]);
  });

  it('finds a service by its name, and says which name it lacks', () => {
    expect(serviceNamed('auth-service').language).toBe('java');
    expect(() => serviceNamed('billing' as never)).toThrow('Expected a service named billing in the topology');
  });

  it('tells a service name from any other string', () => {
    expect(isServiceName('order-service')).toBe(true);
    expect(isServiceName('otel-collector')).toBe(false);
    expect(isServiceName('polytrace')).toBe(false);
  });

  it('keys each flow by its own name', () => {
    expect(Object.keys(flows).sort()).toEqual([...flowNames].sort());
    for (const [key, flow] of Object.entries(flows)) expect(flow.name).toBe(key);
  });
});
