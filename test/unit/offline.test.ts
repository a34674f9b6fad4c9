// A pack's archive, its checks, the offline recipes and the reading of a client's "not in the
// store" error: each on its own, without a network or a chain.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DamagedPackError, exitCodes, ForeignPackError } from '../../src/common/errors.js';
import { localTargets } from '../../src/runtime/local/build-targets.js';
import { missingPackage } from '../../src/runtime/offline/missing-package.js';
import { targetsForCache } from '../../src/runtime/offline/offline-build.js';
import { fillingTarget, offlineTarget, storesIn } from '../../src/runtime/offline/offline-recipe.js';
import { pinnedRecipe } from '../../src/runtime/local/pinned-recipe.js';
import { keptFile, readPack, writePack } from '../../src/runtime/offline/pack-archive.js';
import { packFormat, thisPlatform, type PackManifest } from '../../src/runtime/offline/pack-manifest.js';
import * as tarStream from 'tar-stream';
import { rmSync } from 'node:fs';

const root = mkdtempSync(join(tmpdir(), 'polytrace-pack-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const signal = new AbortController().signal;
const quiet = () => {};
const expected = { polytrace: '0.1.0', platform: thisPlatform() };

/** An image item as the engine would write it: a plain tar, here of one small file. */
const imagesItem = {
  name: 'images',
  holds: 'images',
  versions: {},
  content: {
    kind: 'images' as const,
    images: ['polytrace/example:dev'],
    open: async () => {
      const tar = tarStream.pack();
      tar.entry({ name: 'manifest.json' }, '[]\n'.repeat(5000));
      tar.finalize();
      return tar as unknown as NodeJS.ReadableStream;
    },
  },
};

async function smallPack(name: string, manifest: Partial<PackManifest> = {}, images = false): Promise<string> {
  const store = join(root, `${name}-store`);
  mkdirSync(join(store, 'a', 'b'), { recursive: true });
  writeFileSync(join(store, 'a', 'b', 'one.txt'), 'one\n'.repeat(1000));
  writeFileSync(join(store, 'two.bin'), Buffer.alloc(50_000, 7));
  const scratch = join(root, `${name}-scratch`);
  mkdirSync(scratch);
  const file = join(root, `${name}.tar`);
  await writePack({
    file,
    scratch,
    manifest: {
      format: packFormat,
      polytrace: '0.1.0',
      platform: thisPlatform(),
      toolchains: {},
      created: 'now',
      ...manifest,
    },
    items: [
      { name: 'first', holds: 'a store', versions: { x: '1' }, content: { kind: 'store', dir: store } },
      { name: 'second', holds: 'the same again', versions: {}, content: { kind: 'store', dir: store } },
      ...(images ? [imagesItem] : []),
    ],
    progress: quiet,
    signal,
  });
  return file;
}

const unpackInto = (file: string) => {
  const into = mkdtempSync(join(root, 'into-'));
  return { into, result: readPack({ file, into, expected, progress: quiet, signal }) };
};

describe('a pack', () => {
  it('unpacks to what was packed, each item checked against its manifest entry', async () => {
    const { into, result } = unpackInto(await smallPack('good'));
    const manifest = await result;
    expect(manifest.items.map((i) => i.name)).toEqual(['first', 'second']);
    expect(manifest.items[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(into, 'second', 'a', 'b', 'one.txt'), 'utf8')).toBe('one\n'.repeat(1000));
    expect(readdirSync(into).sort()).toEqual(['first', 'second']);
  });

  it('altered in one byte: DamagedPackError (exit 4) naming the item whose checksum fails', async () => {
    const file = await smallPack('altered');
    const bytes = readFileSync(file);
    // Inside the last item: past its gzip header (the last one in the file), short of its end.
    const at = bytes.lastIndexOf(Buffer.from([0x1f, 0x8b, 0x08])) + 100;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const error = await unpackInto(file).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DamagedPackError);
    expect((error as DamagedPackError).exitCode).toBe(exitCodes.damagedPack);
    expect((error as Error).message).toMatch(/is damaged: second should be \d+ bytes with sha256 [0-9a-f]{12}…, got/);
  });

  it('keeps an image item whole, checked, for the engine to load once every item has matched', async () => {
    const { into, result } = unpackInto(await smallPack('with-images', {}, true));
    const manifest = await result;
    const item = manifest.items.find((i) => i.name === 'images')!;
    expect(item).toMatchObject({ kind: 'images', images: ['polytrace/example:dev'] });
    expect(manifest.items.filter((i) => i.kind === 'store').map((i) => i.name)).toEqual(['first', 'second']);
    expect(readdirSync(into).sort()).toEqual(['first', keptFile('images'), 'second']);
    expect(readFileSync(join(into, keptFile('images'))).length).toBe(item.bytes);
  });

  it('an altered image item: DamagedPackError naming it, so nothing reaches the engine', async () => {
    const file = await smallPack('images-altered', {}, true);
    const bytes = readFileSync(file);
    const at = bytes.lastIndexOf(Buffer.from([0x1f, 0x8b, 0x08])) + 20;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const error = await unpackInto(file).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DamagedPackError);
    expect((error as Error).message).toMatch(/is damaged: images should be \d+ bytes/);
  });

  it('truncated: DamagedPackError, whatever the cut', async () => {
    const file = await smallPack('truncated');
    const bytes = readFileSync(file);
    for (const keep of [10, 600, Math.floor(bytes.length / 2), bytes.length - 2000]) {
      const cut = join(root, `cut-${keep}.tar`);
      writeFileSync(cut, bytes.subarray(0, keep));
      const error = await unpackInto(cut).result.catch((e: unknown) => e);
      expect(error, `cut at ${keep}`).toBeInstanceOf(DamagedPackError);
    }
  });

  it('made for another platform, or by another polytrace: ForeignPackError (exit 5) before anything is written', async () => {
    for (const [name, manifest, message] of [
      ['platform', { platform: 'plan9-mips' }, /was made for plan9-mips; this machine is /],
      ['version', { polytrace: '9.9.9' }, /was made by polytrace 9\.9\.9 .*this is polytrace 0\.1\.0/],
    ] as const) {
      const { into, result } = unpackInto(await smallPack(name, manifest));
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignPackError);
      expect((error as ForeignPackError).exitCode).toBe(exitCodes.foreignPack);
      expect((error as Error).message).toMatch(message);
      expect(readdirSync(into)).toEqual([]);
    }
  });

  it('a manifest with terminal controls in what unpack prints: DamagedPackError, nothing printed', async () => {
    const { result } = unpackInto(await smallPack('controls', { created: '\u001b]0;owned\u0007' }));
    await expect(result).rejects.toBeInstanceOf(DamagedPackError);
  });

  const pythonLine = {
    language: 'python',
    version: '1.42.1',
    isDefault: false,
    companions: { 'opentelemetry-sdk': '1.42.1', 'opentelemetry-instrumentation-flask': '0.63b1' },
  } as const;

  it('made with --sdk: carries the lines it resolved, for a room with no registry to resolve them', async () => {
    const sdkLines = { '["python","1.42.1","abc",""]': pythonLine };
    const manifest = await unpackInto(await smallPack('lines', { sdkLines })).result;
    expect(manifest.sdkLines).toEqual(sdkLines);
  });

  it.each([
    ['a name that is a path, not a package', { 'file:../../evil': '1.0.0' }],
    ['a version with a shell in it', { 'opentelemetry-sdk': '1.0.0;rm -rf /' }],
  ])('carrying a line with %s: DamagedPackError', async (_, companions) => {
    const sdkLines = { key: { ...pythonLine, companions } };
    await expect(unpackInto(await smallPack(`bad-line-${_.length}`, { sdkLines })).result).rejects.toBeInstanceOf(
      DamagedPackError,
    );
  });

  it('a file that is no pack: DamagedPackError, not a stack', async () => {
    const file = join(root, 'not-a-pack.tar');
    writeFileSync(file, 'hello\n'.repeat(500));
    await expect(unpackInto(file).result).rejects.toBeInstanceOf(DamagedPackError);
  });
});

describe('offline builds', () => {
  const stores = storesIn('/cache/offline');
  const offline = Object.fromEntries(localTargets.map((t) => [t.name, offlineTarget(t, stores).recipe]));

  it('tell each client to stay offline and read only the stores', () => {
    expect(offline['api-gateway']!.env).toMatchObject({
      GOPROXY: 'file:///cache/offline/gomod',
      GOMODCACHE: '/cache/offline/gomod-cache',
      GOFLAGS: '-mod=mod -modcacherw',
      GOTOOLCHAIN: 'local',
    });
    // The Collector's own GOFLAGS stay.
    expect(offline['otel-collector']!.env!.GOFLAGS).toBe('-e -mod=mod -modcacherw');
    expect(offline['order-service']!.env).toMatchObject({ PIP_NO_INDEX: '1', PIP_FIND_LINKS: '/cache/offline/wheels' });
    expect(offline['notification-service']!.env).toMatchObject({
      npm_config_offline: 'true',
      npm_config_cache: '/cache/offline/npm',
    });
    const mvn = offline['auth-service']!.build.find((step) => step.cmd === 'mvn');
    expect(mvn!.args.slice(0, 2)).toEqual(['-o', '-Dmaven.repo.local=/cache/offline/maven']);
  });

  it("a pack made for pinned Python versions keeps those wheels, not the requirements file's", () => {
    const line = { language: 'python', version: '1.42.1', isDefault: false, companions: { flask: '3.1.0' } } as const;
    const target = localTargets.find((t) => t.name === 'order-service')!;
    const pinned = { ...target, recipe: pinnedRecipe(target.recipe, line) };
    const wheel = fillingTarget(pinned, { stores, pipCache: '/scratch/pip' }).recipe.build.at(-1)!;
    expect(wheel.args).toEqual(['wheel', '--quiet', '--no-deps', 'flask==3.1.0', '-w', '/cache/offline/wheels']);
    const plain = fillingTarget(target, { stores, pipCache: '/scratch/pip' }).recipe.build.at(-1)!;
    expect(plain.args).toEqual(['wheel', '--quiet', '-r', 'requirements.txt', '-w', '/cache/offline/wheels']);
  });

  it('only where a pack is unpacked: a cache without one builds as before', () => {
    expect(targetsForCache(localTargets, join(root, 'no-pack-here'))).toBe(localTargets);
  });
});

describe("a client's error for a package the pack did not carry", () => {
  it.each([
    [
      'go build',
      'otel.go:9:2: go.opentelemetry.io/contrib/exporters/autoexport@v0.72.0: reading file:///c/offline/gomod/go.opentelemetry.io/contrib/exporters/autoexport/@v/v0.72.0.zip: no such file or directory',
      { client: 'go', name: 'go.opentelemetry.io/contrib/exporters/autoexport@v0.72.0' },
    ],
    [
      "the Collector builder's go run",
      'go: go.opentelemetry.io/collector/cmd/builder@v0.162.0: go.opentelemetry.io/collector/cmd/builder@v0.162.0: reading file:///c/offline/gomod/go.opentelemetry.io/collector/cmd/builder/@v/v0.162.0.info: no such file or directory',
      { client: 'go', name: 'go.opentelemetry.io/collector/cmd/builder@v0.162.0' },
    ],
    [
      'maven',
      "[FATAL] Non-resolvable parent POM for com.example:auth-service:1.0.0: Cannot access central (https://repo.example/maven2) in offline mode and the artifact org.springframework.boot:spring-boot-starter-parent:pom:3.5.16 has not been downloaded from it before. and 'parent.relativePath' points at no local POM @ line 7, column 11",
      { client: 'maven', name: 'org.springframework.boot:spring-boot-starter-parent:pom:3.5.16' },
    ],
    [
      'pip',
      'ERROR: Could not find a version that satisfies the requirement flask==3.1.0 (from versions: none)\nERROR: No matching distribution found for flask==3.1.0',
      { client: 'pip', name: 'flask==3.1.0' },
    ],
    [
      'npm, a package',
      "npm error code ENOTCACHED\nnpm error request to https://registry.example/@opentelemetry%2fcore failed: cache mode is 'only-if-cached' but no cached response is available.",
      { client: 'npm', name: '@opentelemetry/core' },
    ],
    [
      'npm, a tarball',
      "npm error request to https://registry.example/express/-/express-5.1.0.tgz failed: cache mode is 'only-if-cached' but no cached response is available.",
      { client: 'npm', name: 'express' },
    ],
  ])('%s', (_client, log, missing) => {
    expect(missingPackage(`some output before\n${log}\nand after\n`)).toEqual(missing);
  });

  it('is none in a log of another failure', () => {
    expect(missingPackage('main.go:3:1: syntax error: unexpected }')).toBeUndefined();
  });
});
