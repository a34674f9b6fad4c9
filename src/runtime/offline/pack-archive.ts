// The pack's file: a plain tar whose first entry is the manifest and whose
// other entries are one gzipped tar per store. Each item is checked against the
// manifest's sha256 as it streams past, so a truncated or altered pack is found
// while unpacking, and the manifest is read before anything is written, so a
// pack for another machine is refused at once. tar-stream writes and reads the
// outer tar, tar-fs each store's.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import * as tarFs from 'tar-fs';
import * as tarStream from 'tar-stream';
import { DamagedPackError, DiskFullError, ForeignPackError } from '../../common/errors.js';
import type { Progress } from '../../common/progress.js';
import { itemEntry, packFormat, type PackItem, type PackManifest } from './pack-manifest.js';
import { sdkLanguages, type ResolvedSdk } from '../../topology/sdk-versions.js';

const manifestEntry = 'manifest.json';
/** A manifest is a few kilobytes; anything longer is not one polytrace wrote. */
const manifestMaxBytes = 1 << 20;
/** A pack has one item per store (four today): a manifest listing more is not one polytrace wrote. */
const maxItems = 16;
/** The chain's images and their bases are fewer than twenty. */
const maxImages = 64;

/** Where an image item is kept in the folder a pack is read into, until it is loaded. */
export const keptFile = (name: string): string => `${name}.tar.gz`;

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** Counts and hashes what streams through it. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: string, done: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    done();
  }
}

/** Only files and folders: a store holds nothing else, and a link could point out of the cache. */
const onlyFilesAndFolders = (_name: string, header?: tarStream.Header) =>
  header !== undefined && header.type !== 'file' && header.type !== 'directory';

export interface ItemSource {
  name: string;
  holds: string;
  versions: Record<string, string>;
  /** A store: the folder whose content the item carries. Images: the archive, a plain tar, and what it holds. */
  content:
    { kind: 'store'; dir: string } | { kind: 'images'; images: string[]; open(): Promise<NodeJS.ReadableStream> };
}

/** Every 10 s, how far a long item has come: an image archive takes minutes. */
const reportEveryMs = 10_000;

class Reporting extends Digest {
  private last = Date.now();
  constructor(private readonly report: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, encoding: string, done: () => void): void {
    super._transform(chunk, encoding, done);
    if (Date.now() - this.last >= reportEveryMs) {
      this.last = Date.now();
      this.report(this.bytes);
    }
  }
}

interface WriteOptions {
  file: string;
  manifest: Omit<PackManifest, 'items'>;
  items: ItemSource[];
  /** Where each item's tar.gz is staged before it goes into the pack. */
  scratch: string;
  progress: Progress;
  signal: AbortSignal;
}

/** Writes the pack (to a temporary name, renamed once complete) and returns its manifest. */
export async function writePack(options: WriteOptions): Promise<PackManifest> {
  const { file, scratch, progress, signal } = options;
  const items: PackItem[] = [];
  const staged: string[] = [];
  for (const source of options.items) {
    const started = Date.now();
    const path = join(scratch, `${source.name}.tar.gz`);
    const digest = new Reporting((bytes) =>
      progress({ step: 'build', message: `packing ${source.name}: ${mib(bytes)} so far, ${seconds(started)}` }),
    );
    const { content } = source;
    const tar =
      content.kind === 'store'
        ? tarFs.pack(content.dir, { ignore: onlyFilesAndFolders as never })
        : await content.open();
    await pipeline(tar, createGzip(), digest, createWriteStream(path), { signal });
    items.push({
      name: source.name,
      kind: content.kind,
      ...(content.kind === 'images' ? { images: content.images } : {}),
      holds: source.holds,
      versions: source.versions,
      bytes: digest.bytes,
      sha256: digest.hash.digest('hex'),
    });
    staged.push(path);
    progress({ step: 'build', message: `packed ${source.name}: ${mib(digest.bytes)} in ${seconds(started)}` });
  }
  const manifest: PackManifest = { ...options.manifest, items };
  const partial = `${file}.partial`;
  await mkdir(dirname(file), { recursive: true });
  const pack = tarStream.pack();
  const written = pipeline(pack, createWriteStream(partial), { signal });
  try {
    const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: manifestEntry }, body, (e) => (e ? reject(e) : resolve())),
    );
    for (const [index, item] of items.entries()) {
      const sink = pack.entry({ name: itemEntry(item.name), size: item.bytes });
      await pipeline(createReadStream(staged[index]!), sink, { signal });
    }
    pack.finalize();
    await written;
  } catch (error) {
    pack.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, file);
  return manifest;
}

/** What a pack must match on this machine. */
interface Expected {
  polytrace: string;
  platform: string;
}

async function readBounded(stream: AsyncIterable<unknown>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const part of stream) {
    const chunk = part as Buffer;
    length += chunk.length;
    if (length > limit) throw new DamagedPackError(`Expected a pack's manifest of at most ${limit} bytes, got more`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What `unpack` prints of a manifest is plain text of a bounded length: no terminal controls. */
const printable = (value: unknown, max: number): boolean =>
  typeof value === 'string' && value.length <= max && /^[\x20-\x7e]*$/.test(value);

// A carried line's names and versions become arguments of go, npm, pip and mvn in the room: a
// package's name (no `file:` or URL spec) and a version, nothing else.
const packageName = /^[@A-Za-z0-9][A-Za-z0-9@._/-]{0,199}$/;
const packageVersion = /^v?\d[0-9A-Za-z.+-]{0,63}$/;

/** The lines a `pack --sdk` carries: at most one per language, each as a resolution makes it. */
function validSdkLines(lines: unknown): boolean {
  if (lines === undefined) return true;
  if (lines === null || typeof lines !== 'object') return false;
  const entries = Object.entries(lines as Record<string, ResolvedSdk>);
  return (
    entries.length <= sdkLanguages.length &&
    entries.every(
      ([key, line]) =>
        printable(key, 512) &&
        typeof line === 'object' &&
        line !== null &&
        sdkLanguages.includes(line.language) &&
        packageVersion.test(String(line.version)) &&
        line.isDefault === false &&
        typeof line.companions === 'object' &&
        line.companions !== null &&
        Object.entries(line.companions).length <= 200 &&
        Object.entries(line.companions).every(
          ([name, version]) => packageName.test(name) && packageVersion.test(String(version)),
        ) &&
        (line.removed === undefined ||
          (Array.isArray(line.removed) &&
            line.removed.length <= 20 &&
            line.removed.every((n) => packageName.test(String(n))))) &&
        (line.node === undefined || packageVersion.test(String(line.node))),
    )
  );
}

function parseManifest(text: string, file: string, expected: Expected): PackManifest {
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(text) as PackManifest;
  } catch (error) {
    throw new DamagedPackError(`${file}: its manifest is not JSON (the pack is damaged)`, { cause: error });
  }
  const valid =
    manifest !== null &&
    typeof manifest === 'object' &&
    printable(manifest.created, 64) &&
    printable(manifest.platform, 64) &&
    Array.isArray(manifest.items) &&
    manifest.items.length <= maxItems &&
    manifest.items.every(
      (item) =>
        typeof item?.name === 'string' &&
        /^[a-z0-9-]{1,32}$/.test(item.name) &&
        (item.kind === 'store' || item.kind === 'images') &&
        (item.images === undefined ||
          (item.kind === 'images' &&
            Array.isArray(item.images) &&
            item.images.length <= maxImages &&
            item.images.every((image) => printable(image, 128)))) &&
        printable(item.holds, 200) &&
        typeof item.versions === 'object' &&
        item.versions !== null &&
        Object.entries(item.versions).every(([key, value]) => printable(key, 32) && printable(value, 64)) &&
        Number.isSafeInteger(item.bytes) &&
        /^[0-9a-f]{64}$/.test(item.sha256),
    ) &&
    validSdkLines(manifest.sdkLines);
  if (!valid) throw new DamagedPackError(`${file}: its manifest is not a pack's (the pack is damaged)`);
  if (manifest.format !== packFormat || manifest.polytrace !== expected.polytrace) {
    throw new ForeignPackError(
      `${file} was made by polytrace ${String(manifest.polytrace)} (pack format ${String(manifest.format)}); this is polytrace ${expected.polytrace}: make the pack again with this version`,
    );
  }
  if (manifest.platform !== expected.platform) {
    throw new ForeignPackError(
      `${file} was made for ${String(manifest.platform)}; this machine is ${expected.platform}: its wheels and builds would not fit, make the pack on a ${expected.platform} machine`,
    );
  }
  return manifest;
}

/** The disk (or the user's quota) is full: what the write failed with. */
export const isDiskFull = (error: unknown) => ['ENOSPC', 'EDQUOT'].includes((error as { code?: string })?.code ?? '');

interface ReadOptions {
  file: string;
  /** An empty folder: each item is unpacked into `<into>/<name>`. */
  into: string;
  expected: Expected;
  progress: Progress;
  signal: AbortSignal;
}

/**
 * Unpacks every item into `into`, checking each against the manifest. Throws DamagedPackError,
 * ForeignPackError or DiskFullError; the caller removes `into` then, since it may hold a part.
 */
export async function readPack({ file, into, expected, progress, signal }: ReadOptions): Promise<PackManifest> {
  const size = (await stat(file)).size;
  const extract = tarStream.extract();
  // Its failure (a truncated file) also ends the loop below, which reports it.
  const source = pipeline(createReadStream(file), extract, { signal }).catch(() => {});
  let manifest: PackManifest | undefined;
  const done = new Set<string>();
  try {
    for await (const entry of extract) {
      const { name } = entry.header;
      if (!manifest) {
        if (name !== manifestEntry)
          throw new DamagedPackError(`${file} does not open with a manifest: it is not a pack`);
        manifest = parseManifest(await readBounded(entry, manifestMaxBytes), file, expected);
        progress({
          step: 'build',
          message: `${file}: ${mib(size)}, ${manifest.items.length} items, made ${manifest.created} on ${manifest.platform}`,
        });
        continue;
      }
      const item = manifest.items.find((i) => itemEntry(i.name) === name);
      if (!item || done.has(item.name))
        throw new DamagedPackError(`${file} holds ${name}, which its manifest does not list`);
      await unpackItem({ item, entry, into, file, signal, progress });
      done.add(item.name);
    }
    await source;
  } catch (error) {
    extract.destroy();
    await source;
    if (error instanceof DamagedPackError || error instanceof ForeignPackError) throw error;
    if (isDiskFull(error)) {
      throw new DiskFullError(
        `the disk filled up while unpacking ${file}: nothing was put in place; free more than its ${mib(size)} and unpack again`,
        { cause: error },
      );
    }
    signal.throwIfAborted();
    throw new DamagedPackError(`${file} is damaged or truncated (${(error as Error).message}): copy it again`, {
      cause: error,
    });
  }
  if (!manifest) throw new DamagedPackError(`${file} is empty: it is not a pack`);
  const missing = manifest.items.filter((i) => !done.has(i.name)).map((i) => i.name);
  if (missing.length > 0) {
    throw new DamagedPackError(`${file} is truncated: it ends before ${missing.join(', ')}; copy it again`);
  }
  return manifest;
}

async function unpackItem(options: {
  item: PackItem;
  entry: AsyncIterable<unknown>;
  into: string;
  file: string;
  signal: AbortSignal;
  progress: Progress;
}): Promise<void> {
  const { item, entry, into, file, signal, progress } = options;
  const started = Date.now();
  const hash = createHash('sha256');
  let bytes = 0;
  // Every byte is hashed, even after gunzip or tar gives up on an altered item, so that the
  // verdict is the checksum's; the unpacking is fed alongside, as far as it goes.
  // A store is unpacked as it streams; an image archive is kept whole, to be loaded into the
  // engine only once every item of the pack has matched its checksum.
  const gunzip = createGunzip();
  const sink: Writable =
    item.kind === 'images' ? createWriteStream(join(into, keptFile(item.name)), { mode: 0o600 }) : gunzip;
  let failure: unknown;
  const unpacking = (
    item.kind === 'images'
      ? finished(sink)
      : pipeline(
          gunzip,
          tarFs.extract(join(into, item.name), { ignore: onlyFilesAndFolders as never, dmode: 0o700, fmode: 0o600 }),
          { signal },
        )
  ).catch((error: unknown) => {
    failure = error;
  });
  for await (const part of entry) {
    const chunk = part as Buffer;
    hash.update(chunk);
    bytes += chunk.length;
    if (isDiskFull(failure)) throw failure;
    if (failure === undefined && !sink.write(chunk))
      await Promise.race([once(sink, 'drain').catch(() => {}), unpacking]);
  }
  if (failure === undefined) sink.end();
  await unpacking;
  signal.throwIfAborted();
  const sha256 = hash.digest('hex');
  if (bytes !== item.bytes || sha256 !== item.sha256) {
    throw new DamagedPackError(
      `${file} is damaged: ${item.name} should be ${item.bytes} bytes with sha256 ${item.sha256.slice(0, 12)}…, got ${bytes} bytes with ${sha256.slice(0, 12)}…; copy it again`,
    );
  }
  if (isDiskFull(failure)) throw failure;
  if (failure !== undefined) {
    throw new DamagedPackError(
      `${file} is damaged: ${item.name} matches its checksum but does not unpack (${(failure as Error).message}): make the pack again`,
      { cause: failure },
    );
  }
  progress({
    step: 'build',
    message: `verified and ${item.kind === 'images' ? 'kept' : 'unpacked'} ${item.name} (${mib(item.bytes)}) in ${seconds(started)}`,
  });
}
