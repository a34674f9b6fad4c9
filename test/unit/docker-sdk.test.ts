// The docker runtime's pinned builds: how each line's context is pinned
// (the same pins as the local runtime's recipes), what names its copy and its
// tag, the Dockerfiles' build arguments that take the pins, and the Node the
// image must run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/common/errors.js';
import { repoRoot } from '../../src/common/paths.js';
import { removable } from '../../src/runtime/docker/clean.js';
import { assertImageRunsLine } from '../../src/runtime/docker/image-node.js';
import { contextPins, lineHash, sdkImage } from '../../src/runtime/docker/sdk-contexts.js';
import { localTargets } from '../../src/runtime/local/build-targets.js';
import { pinnedRecipe } from '../../src/runtime/local/pinned-recipe.js';
import { collector } from '../../src/topology/chain.js';
import { defaultSdkVersions, type ResolvedSdk } from '../../src/topology/sdk-versions.js';

const line = (l: Omit<ResolvedSdk, 'isDefault'>): ResolvedSdk => ({ ...l, isDefault: false });
const go = line({
  language: 'go',
  version: '1.41.0',
  companions: {
    'go.opentelemetry.io/otel': 'v1.41.0',
    'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp': 'v0.66.0',
  },
});
const js = line({
  language: 'nodejs',
  version: '3.0.0',
  companions: { '@opentelemetry/core': '3.0.0', '@opentelemetry/sdk-trace': '3.0.0' },
  removed: ['@opentelemetry/sdk-trace-node'],
});
const recipeOf = (name: string) => localTargets.find((t) => t.name === name)!.recipe;

describe('a pinned build context', () => {
  it('pins Go and JS with their clients in the copy, as the local runtime pins them', () => {
    expect(contextPins(go).steps).toEqual(pinnedRecipe(recipeOf('api-gateway'), go).build.slice(0, 2));
    expect(contextPins(go).steps[0]!.args).toEqual([
      'get',
      'go.opentelemetry.io/otel@v1.41.0',
      'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.66.0',
    ]);
    // The lock only: the Dockerfile's `npm ci` installs what it says.
    const [uninstall, install] = contextPins(js).steps;
    expect(uninstall!.args).toEqual(
      expect.arrayContaining(['uninstall', '--package-lock-only', '@opentelemetry/sdk-trace-node']),
    );
    expect(install!.args).toEqual(
      expect.arrayContaining(['install', '--package-lock-only', '--save-exact', '@opentelemetry/sdk-trace@3.0.0']),
    );
  });

  it('writes Python a requirements file of the whole set, and gives Java and the Collector build arguments', () => {
    const python = line({
      language: 'python',
      version: '1.42.0',
      companions: { 'opentelemetry-sdk': '1.42.0', flask: '3.1.3' },
    });
    expect(contextPins(python)).toEqual({
      steps: [],
      files: { 'requirements.txt': 'opentelemetry-sdk==1.42.0\nflask==3.1.3\n' },
      buildArgs: {},
    });
    const java = line({
      language: 'java',
      version: '2.25.0',
      companions: { 'opentelemetry-javaagent.version': '2.25.0', 'opentelemetry.version': '1.59.0' },
    });
    expect(contextPins(java).buildArgs).toEqual({
      MAVEN_ARGS: '-Dopentelemetry-javaagent.version=2.25.0 -Dopentelemetry.version=1.59.0',
    });
    const otelcol = line({
      language: 'collector',
      version: '0.150.0',
      companions: {
        'go.opentelemetry.io/collector/cmd/builder': 'v0.150.0',
        'go.opentelemetry.io/collector/receiver/otlpreceiver': 'v0.150.0',
      },
    });
    const pins = contextPins(otelcol);
    expect(pins.buildArgs).toEqual({ OCB_VERSION: 'v0.150.0' });
    expect(pins.steps[0]!.args).toEqual([
      '-i',
      '-E',
      '-e',
      's|(gomod: go\\.opentelemetry\\.io/collector/receiver/otlpreceiver) v[^ ]+$|\\1 v0.150.0|',
      'builder-config.yaml',
    ]);
  });

  it('is named by its resolved line: another companion is another copy and another tag', () => {
    expect(lineHash(go)).toMatch(/^[0-9a-f]{12}$/);
    expect(lineHash({ ...go, companions: { ...go.companions } })).toBe(lineHash(go));
    const moved = { ...go, companions: { ...go.companions, 'go.opentelemetry.io/otel': 'v1.41.1' } };
    expect(lineHash(moved)).not.toBe(lineHash(go));
    expect(sdkImage('polytrace/api-gateway:dev', go)).toBe(`polytrace/api-gateway:sdk-${lineHash(go)}`);
  });
});

describe("the Dockerfiles' pin arguments", () => {
  const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

  it("default the Collector's builder to the default set's, as the local build does", () => {
    const dockerfile = read('docker/collector/Dockerfile');
    const arg = /^ARG OCB_VERSION=(\S+)$/m.exec(dockerfile)?.[1];
    expect(arg).toBe(`v${defaultSdkVersions().collector}`);
    expect(dockerfile).toContain('cmd/builder@${OCB_VERSION}');
    const local = collector.local.build.flatMap((s) => s.args).find((a) => a.includes('cmd/builder@'));
    expect(local).toBe(`go.opentelemetry.io/collector/cmd/builder@${arg}`);
  });

  it("take auth-service's Maven properties in its build stage", () => {
    const dockerfile = read('services/auth-java/Dockerfile');
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('RUN mvn'));
    expect(build).toMatch(/^ARG MAVEN_ARGS$/m);
  });
});

describe("the image's Node", () => {
  it('runs a JS line whose packages allow it, and refuses one that needs another Node', () => {
    const node = { image: 'node:24-bookworm-slim', version: '24.22.3' };
    expect(() => assertImageRunsLine(js, node)).not.toThrow();
    expect(() => assertImageRunsLine({ ...js, node: '26.1.0' }, node)).toThrow(UsageError);
    expect(() => assertImageRunsLine({ ...js, node: '26.1.0' }, node)).toThrow(
      /got 24\.22\.3: they need Node 26\.1\.0/,
    );
  });
});

describe('clean', () => {
  it("removes a pinned set's images with the chain's, and the base images only with --all", () => {
    const chain = { Labels: { 'org.polytrace': 'true', 'org.polytrace.component': 'api-gateway' } };
    const pinned = { ...chain, RepoTags: ['polytrace/api-gateway:sdk-2014554dd25f'] };
    const base = { RepoTags: ['polytrace-base/node:24-bookworm'], Labels: { 'org.polytrace.base': 'node' } };
    expect(removable(pinned, { images: true, baseImages: false })).toBe(true);
    expect(removable({ ...chain, RepoTags: ['polytrace/api-gateway:dev'] }, { images: true, baseImages: false })).toBe(
      true,
    );
    expect(removable(pinned, { images: false, baseImages: true })).toBe(false);
    expect(removable(base, { images: true, baseImages: false })).toBe(false);
    expect(removable(base, { images: true, baseImages: true })).toBe(true);
  });
});
