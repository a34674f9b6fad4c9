// `--sdk`: parsing the flag, the default set read from the manifests, and
// resolving a set's companions, on registry metadata recorded from the real
// clients (test/unit/fixtures/sdk-registry-metadata.json).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../src/common/errors.js';
import { repoRoot } from '../../src/common/paths.js';
import { buildDirFor } from '../../src/runtime/local/build.js';
import { localTargets, localTargetsFor } from '../../src/runtime/local/build-targets.js';
import { goModRequires } from '../../src/runtime/sdk/go-client.js';
import { metadataVersions } from '../../src/runtime/sdk/maven-client.js';
import { indexVersions, reportedInstalls, reportedRequires } from '../../src/runtime/sdk/pip-client.js';
import type { Registries } from '../../src/runtime/sdk/registries.js';
import { describeSdkSet } from '../../src/runtime/sdk/describe-sdk-set.js';
import { diskLineCache, lineCacheMs } from '../../src/runtime/sdk/line-cache.js';
import { resolveSdkSet, type SdkContext } from '../../src/runtime/sdk/resolve-sdk-set.js';
import { requirementPins } from '../../src/runtime/sdk/python-companions.js';
import { parseChainFlags, parseSdk } from '../../src/commands/options.js';
import {
  anchorDir,
  defaultSdkVersions,
  parseSdkFlags,
  sdkAnchors,
  sdkLanguages,
  type SdkLanguage,
} from '../../src/topology/sdk-versions.js';

interface Recorded {
  goVersions: Record<string, string[]>;
  /** null: the proxy has no such version. */
  goRequires: Record<string, Record<string, string> | null>;
  mavenVersions: Record<string, string[]>;
  mavenPoms: Record<string, string>;
  pipVersions: Record<string, string[]>;
  pipResolutions: Record<
    string,
    { resolved: Record<string, string>; requires: Record<string, string[]> } | { conflict: string }
  >;
}

const recorded = JSON.parse(
  readFileSync(join(repoRoot, 'test/unit/fixtures/sdk-registry-metadata.json'), 'utf8'),
) as Recorded;

const answer = <T>(table: Record<string, T>, key: string): T => {
  const found = table[key];
  if (found === undefined) throw new Error(`no recorded answer for ${key}`);
  return found;
};

const replayed: Registries = {
  go: {
    versions: async (module) => answer(recorded.goVersions, module),
    requires: async (module, version) => answer(recorded.goRequires, `${module}@${version}`) ?? undefined,
  },
  maven: {
    versions: async (coordinates) => answer(recorded.mavenVersions, coordinates),
    pom: async (coordinates, version) => answer(recorded.mavenPoms, `${coordinates}:${version}`),
  },
  pip: {
    versions: async (name) => answer(recorded.pipVersions, name),
    resolve: async (requirements) => answer(recorded.pipResolutions, requirements.join(' ')),
  },
  npm: {
    versions: async () => [],
    manifests: async () => [],
  },
};

const manifest = (language: SdkLanguage) =>
  readFileSync(join(anchorDir(language), sdkAnchors[language].manifest), 'utf8');
const context = (registries: Registries = replayed): SdkContext => ({
  registries,
  defaults: defaultSdkVersions(),
  manifest,
  machineNode: '20.19.0',
  imageNodeMajor: 24,
});

describe('--sdk', () => {
  it('parses language=version pairs into a request', () => {
    expect(parseSdkFlags(['go=1.41.0', 'java=2.25.0'])).toEqual({ go: '1.41.0', java: '2.25.0' });
    expect(parseSdkFlags([])).toEqual({});
  });

  it('words each malformed value as a usage error', () => {
    expect(parseSdkFlags(['go'])).toMatch(/Expected --sdk language=version/);
    expect(parseSdkFlags(['rust=1.0.0'])).toMatch(/one of go, java, python, nodejs, collector, got "rust"/);
    expect(parseSdkFlags(['go=1.41'])).toMatch(/MAJOR\.MINOR\.PATCH .*got "1\.41"/);
    expect(parseSdkFlags(['go=v1.41.0'])).toMatch(/got "v1\.41\.0"/);
    expect(parseSdkFlags(['go=1.41.0', 'go=1.42.0'])).toMatch(/go once, got 1\.41\.0 and 1\.42\.0/);
  });

  it('builds in either runtime, and takes auto to mean local, where the directions are tried', () => {
    const said: string[] = [];
    const progress = (event: { message: string }) => void said.push(event.message);
    const flags = { port: [], baseImage: [], outDir: 'runs', scenario: 'happy', sdk: ['go=1.41.0'] };
    expect(parseSdk(['go=1.41.0'], { runtime: 'docker', progress })).toEqual({ go: '1.41.0' });
    expect(said).toEqual([]);
    expect(parseChainFlags({ ...flags, runtime: 'docker' }, progress).runOptions.runtime).toBe('docker');
    expect(parseChainFlags({ ...flags, runtime: 'auto' }, progress).runOptions.runtime).toBe('local');
    expect(said.join()).toMatch(/local processes, where every direction/);
    expect(parseChainFlags({ ...flags, runtime: 'auto', sdk: [] }, progress).runOptions.runtime).toBe('auto');
  });
});

describe('the default set', () => {
  it("is each line's version as its manifest pins it", () => {
    const defaults = defaultSdkVersions();
    expect(Object.keys(defaults)).toEqual([...sdkLanguages]);
    for (const version of Object.values(defaults)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(repoRoot, 'services/gateway-go/go.mod'), 'utf8')).toContain(
      `go.opentelemetry.io/otel v${defaults.go}\n`,
    );
  });

  it('resolves with no registry asked', async () => {
    const silent: Registries = {
      go: { versions: () => Promise.reject(new Error('asked')), requires: () => Promise.reject(new Error('asked')) },
      maven: { versions: () => Promise.reject(new Error('asked')), pom: () => Promise.reject(new Error('asked')) },
      pip: { versions: () => Promise.reject(new Error('asked')), resolve: () => Promise.reject(new Error('asked')) },
      npm: { versions: () => Promise.reject(new Error('asked')), manifests: () => Promise.reject(new Error('asked')) },
    };
    const set = await resolveSdkSet({}, context(silent));
    expect(sdkLanguages.every((l) => set[l].isDefault)).toBe(true);
    expect(describeSdkSet(set)).toBe('');
  });
});

describe('resolving a set', () => {
  it('brings Go otel 1.41.0 its contrib modules, each the newest made for it or before', async () => {
    const set = await resolveSdkSet({ go: '1.41.0' }, context());
    expect(set.go).toMatchObject({ version: '1.41.0', isDefault: false });
    expect(set.go.companions).toMatchObject({
      'go.opentelemetry.io/otel': 'v1.41.0',
      'go.opentelemetry.io/otel/sdk': 'v1.41.0',
      'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp': 'v0.66.0',
      // Listed: v0.4.0, v0.5.0, v0.16.3; v0.14.0, made with otel v1.41.0, is asked for between them.
      'go.opentelemetry.io/contrib/processors/baggagecopy': 'v0.14.0',
    });
    expect(set.java.isDefault).toBe(true);
    expect(describeSdkSet(set)).toMatch(/^go 1\.41\.0 \(.*otelhttp v0\.66\.0/);
  });

  it('brings Java agent 2.25.0 the API its BOM imports', async () => {
    const set = await resolveSdkSet({ java: '2.25.0' }, context());
    expect(set.java.companions).toEqual({
      'opentelemetry-javaagent.version': '2.25.0',
      'opentelemetry.version': '1.59.0',
    });
  });

  it('lists what exists for a version the registry lacks, and refuses one older than supported', async () => {
    await expect(resolveSdkSet({ go: '1.41.1' }, context())).rejects.toThrow(
      /got 1\.41\.1; released from 1\.41\.0: 1\.41\.0, 1\.42\.0/,
    );
    await expect(resolveSdkSet({ java: '2.24.0' }, context())).rejects.toThrow(/2\.25\.0 or newer/);
    await expect(resolveSdkSet({ nodejs: '1.29.0' }, context())).rejects.toThrow(/1\.30\.1 or newer/);
    await expect(resolveSdkSet({ collector: '0.140.0' }, context())).rejects.toThrow(UsageError);
  });

  it('names the closest when no companion was made for the version', async () => {
    const tooNew: Registries = {
      ...replayed,
      go: {
        versions: async (module) =>
          module.includes('/contrib/') ? ['v0.70.0', 'v0.71.0'] : answer(recorded.goVersions, module),
        requires: async (_module, version) => ({
          'go.opentelemetry.io/otel': version === 'v0.70.0' ? 'v1.45.0' : 'v1.46.0',
        }),
      },
    };
    await expect(resolveSdkSet({ go: '1.41.0' }, context(tooNew))).rejects.toThrow(
      /made for go\.opentelemetry\.io\/otel v1\.41\.0 or older, found none: its oldest \(0\.70\.0\) needs v1\.45\.0/,
    );
  });

  it('keeps the registry failure as an environment error', async () => {
    const down: Registries = {
      ...replayed,
      maven: {
        versions: () => Promise.reject(new EnvironmentError('could not read the Maven repository')),
        pom: () => Promise.reject(new Error('unused')),
      },
    };
    await expect(resolveSdkSet({ java: '2.25.0' }, context(down))).rejects.toThrow(EnvironmentError);
  });
});

describe('the build of a set', () => {
  it('pins Go in a copy with its own client, and Java with the pom properties', async () => {
    const set = await resolveSdkSet({ go: '1.41.0', java: '2.25.0' }, context());
    const targets = localTargetsFor(set);
    const gateway = targets.find((t) => t.name === 'api-gateway')!;
    expect(gateway.recipe.buildFromCopy).toBe(true);
    expect(gateway.recipe.build[0]!.args).toContain('go.opentelemetry.io/otel@v1.41.0');
    const auth = targets.find((t) => t.name === 'auth-service')!;
    expect(auth.recipe.build[0]!.args).toContain('-Dopentelemetry.version=1.59.0');
    // Another set, another cache folder; the default set's targets are the topology's own.
    const original = localTargets.find((t) => t.name === 'api-gateway')!;
    expect(await buildDirFor(gateway, '/cache')).not.toBe(await buildDirFor(original, '/cache'));
    const defaults = localTargetsFor(await resolveSdkSet({}, context()));
    expect(defaults.map((t) => t.recipe)).toEqual(localTargets.map((t) => t.recipe));
  });
});

describe('reading registry metadata', () => {
  it("takes every requirement of a go.mod, and every version of Maven's metadata", () => {
    const goMod =
      'module x\n\ngo 1.22\n\nrequire (\n\ta.io/b v1.2.0\n\tc.io/d v0.3.0 // indirect\n)\n\nrequire e.io/f v2.0.0\n';
    expect(goModRequires(goMod)).toEqual({ 'a.io/b': 'v1.2.0', 'c.io/d': 'v0.3.0', 'e.io/f': 'v2.0.0' });
    expect(metadataVersions('<versions><version>2.25.0</version><version>2.26.0</version></versions>')).toEqual([
      '2.25.0',
      '2.26.0',
    ]);
  });

  it("takes pip's versions, its dry run's report, and a requirements file's pins", () => {
    expect(indexVersions('opentelemetry-sdk (1.45.2)\nAvailable versions: 1.45.2, 1.45.1, 1.42.0\n')).toEqual([
      '1.45.2',
      '1.45.1',
      '1.42.0',
    ]);
    const report = {
      install: [
        {
          metadata: {
            name: 'Flask',
            version: '3.1.3',
            requires_dist: ['Werkzeug>=3.1', 'asgiref>=3.2; extra == "async"'],
          },
        },
      ],
    };
    expect(reportedInstalls(JSON.stringify(report))).toEqual({ flask: '3.1.3' });
    expect(reportedRequires(JSON.stringify(report))).toEqual({ flask: ['werkzeug'] });
    expect(requirementPins('# comment\nFlask==3.1.3\ntyping_extensions==4.16.0\n')).toEqual({
      flask: '3.1.3',
      'typing-extensions': '4.16.0',
    });
  });
});

describe('the cache of resolved lines', () => {
  const silent: Registries = {
    go: { versions: () => Promise.reject(new Error('asked')), requires: () => Promise.reject(new Error('asked')) },
    maven: { versions: () => Promise.reject(new Error('asked')), pom: () => Promise.reject(new Error('asked')) },
    pip: { versions: () => Promise.reject(new Error('asked')), resolve: () => Promise.reject(new Error('asked')) },
    npm: { versions: () => Promise.reject(new Error('asked')), manifests: () => Promise.reject(new Error('asked')) },
  };

  it('answers a line resolved within a day without asking a registry, and asks again after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polytrace-lines-'));
    let now = Date.parse('2026-12-03T12:00:00Z');
    const lineCache = diskLineCache(dir, () => now);
    const first = await resolveSdkSet({ go: '1.41.0' }, { ...context(), lineCache });
    const again = await resolveSdkSet({ go: '1.41.0' }, { ...context(silent), lineCache });
    expect(again.go).toEqual(first.go);
    now += lineCacheMs + 1;
    await expect(resolveSdkSet({ go: '1.41.0' }, { ...context(silent), lineCache })).rejects.toThrow('asked');
  });

  it('keys a line by its manifest too: another go.mod resolves again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polytrace-lines-'));
    const lineCache = diskLineCache(dir);
    await resolveSdkSet({ go: '1.41.0' }, { ...context(), lineCache });
    const edited = { ...context(silent), lineCache, manifest: (l: SdkLanguage) => `${manifest(l)}\n// edited\n` };
    await expect(resolveSdkSet({ go: '1.41.0' }, edited)).rejects.toThrow('asked');
  });

  it('ignores an entry it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polytrace-lines-'));
    const lineCache = diskLineCache(dir);
    await resolveSdkSet({ go: '1.41.0' }, { ...context(), lineCache });
    for (const file of readdirSync(dir)) writeFileSync(join(dir, file), '{not json');
    await expect(resolveSdkSet({ go: '1.41.0' }, { ...context(silent), lineCache })).rejects.toThrow('asked');
  });
});
