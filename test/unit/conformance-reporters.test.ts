// The reporters of `polytrace conformance`, each on its own, on a result made
// by judging stand-in services (test/unit/fixtures/trace-context-vendors.ts).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { probeCases } from '../../src/conformance/cases.js';
import type { ConformanceResult } from '../../src/conformance/result.js';
import { conformanceReporters } from '../../src/report/reporters.js';
import { colorsFor } from '../../src/report/style.js';
import { services } from '../../src/topology/chain.js';
import { conforming, firstFieldOnly, probeVendor } from './fixtures/trace-context-vendors.js';

function result(overrides: Partial<ConformanceResult> = {}): ConformanceResult {
  return {
    runtime: 'local',
    scenario: 'happy',
    runDir: '/runs/1',
    spansFile: '/runs/1/spans.jsonl',
    durationMs: 9_550,
    services: services.map((s) => ({
      service: s.name,
      language: s.language,
      endpoint: `http://127.0.0.1:${s.port}/w3c/test`,
      sdk: { name: 'opentelemetry', version: '1.2.3', ...(s.language === 'java' ? { distro: 'agent 2.0.0' } : {}) },
      cases: probeVendor(s.language === 'go' || s.language === 'java' ? firstFieldOnly : conforming),
    })),
    ...overrides,
  };
}

const context = { width: 100, colors: colorsFor(false) };

describe('conformance terminal table', () => {
  const text = conformanceReporters.terminal(result(), context);
  const lines = text.split('\n');

  it("names each service's language and SDK, from its spans", () => {
    expect(text).toContain('go      api-gateway           opentelemetry 1.2.3\n');
    expect(text).toContain('java    auth-service          opentelemetry 1.2.3 (agent 2.0.0)\n');
  });

  it('has one row per case with a mark per language, and the count passed', () => {
    expect(lines.find((l) => l.trim().startsWith('case '))).toMatch(/case\s+section\s+go\s+java\s+python\s+nodejs$/);
    expect(lines.find((l) => l.includes('traceparent-duplicated '))).toMatch(/3\.2\.2\s+✗\s+✗\s+✓\s+✓$/);
    expect(lines.find((l) => l.includes('trace-id-all-zero'))).toMatch(/3\.2\.2\.3\s+✓\s+✓\s+✓\s+✓$/);
    expect(lines.filter((l) => /[✓✗]\s+[✓✗]\s+[✓✗]\s+[✓✗]$/.test(l))).toHaveLength(probeCases.length);
    const total = probeCases.length;
    expect(lines.find((l) => l.trim().startsWith('passed'))).toMatch(
      new RegExp(`${total - 3}/${total}\\s+${total - 3}/${total}\\s+${total}/${total}\\s+${total}/${total}$`),
    );
  });

  it('lists each failed case once, with what each failing service sent', () => {
    expect(text.match(/✗ traceparent-duplicated \(3\.2\.2 traceparent Header Field Values\)/g)).toHaveLength(1);
    const failures = text.slice(text.indexOf('Failed cases'));
    expect(failures).toMatch(/go {6}sent traceparent/);
    expect(failures).toMatch(/java {4}sent traceparent/);
    expect(failures).not.toMatch(/python|nodejs/);
  });

  it('fits the width, ends no line in spaces, and says the exit code stays 0', () => {
    for (const line of lines) {
      expect(line.length, line).toBeLessThanOrEqual(100);
      expect(line, line).not.toMatch(/ $/);
    }
    expect(text).toMatch(/ran in 9\.55s; spans: \/runs\/1\/spans\.jsonl/);
    expect(text.replace(/\s+/g, ' ')).toMatch(/the exit code stays 0/);
  });

  it('names a scenario other than happy, which may break propagation on purpose', () => {
    expect(lines[0]).toBe(
      `W3C Trace Context Level 1 conformance: ${probeCases.length} cases per service, local runtime`,
    );
    const broken = conformanceReporters.terminal(result({ scenario: 'propagator-mismatch' }), context);
    expect(broken.split('\n')[0]).toMatch(/local runtime, scenario propagator-mismatch$/);
  });

  it('says when the SDKs are unknown (a chain already running)', () => {
    const running = result({ runtime: 'running' });
    for (const s of running.services) delete s.sdk;
    const table = conformanceReporters.terminal(running, context);
    expect(table).toContain('a chain already running');
    expect(table).toMatch(/api-gateway\s+SDK unknown/);
  });
});

describe('conformance JSON', () => {
  it('per service: the SDK, the count, and each case with id, section, ok, message', () => {
    const json = JSON.parse(conformanceReporters.json(result()));
    expect(json).toMatchObject({ schemaVersion: 1, runtime: 'local', spansFile: '/runs/1/spans.jsonl' });
    expect(json.services.map((s: { service: string }) => s.service)).toEqual(services.map((s) => s.name));
    const gateway = json.services[0];
    expect(gateway).toMatchObject({ language: 'go', sdk: { name: 'opentelemetry', version: '1.2.3' } });
    expect(gateway.total).toBe(probeCases.length);
    expect(gateway.passed).toBe(probeCases.length - 3);
    expect(Object.keys(gateway.cases[0]).sort()).toEqual(['id', 'message', 'ok', 'section']);
    expect(gateway.cases.find((c: { id: string }) => c.id === 'traceparent-duplicated')).toMatchObject({
      section: '3.2.2 traceparent Header Field Values',
      ok: false,
    });
  });
});

describe('conformance JUnit', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'property', 'failure'].includes(name),
  });

  it('one suite per service, one test case per case, failures with their message', () => {
    const xml = conformanceReporters.junit(result());
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = parser.parse(xml).testsuites;
    expect(Number(junit.tests)).toBe(4 * probeCases.length);
    expect(Number(junit.failures)).toBe(6);
    expect(junit.testsuite.map((s: { name: string }) => s.name)).toEqual(
      services.map((s) => `${s.name} (${s.language})`),
    );
    const gateway = junit.testsuite[0];
    expect(gateway.testcase).toHaveLength(probeCases.length);
    const duplicated = gateway.testcase.find((c: { name: string }) => c.name.startsWith('traceparent-duplicated '));
    expect(duplicated.failure[0]['#text']).toMatch(/expected the trace to restart/);
    expect(gateway.properties.property).toContainEqual({ name: 'sdk', value: 'opentelemetry 1.2.3' });
  });
});
