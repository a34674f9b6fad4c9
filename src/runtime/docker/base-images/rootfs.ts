// polytrace-base/debian: a Debian root filesystem made with debootstrap from
// Debian's own packages and imported with `docker import`, so no registry is
// needed. It carries the machine's CA bundle, and the variables each package
// manager reads for it, so every image built from it reaches the registries
// the way the machine does.
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../../common/errors.js';
import { logTail } from '../../../common/log-tail.js';
import { which } from '../../which.js';
import type { Dockerode } from '../engine.js';
import { label } from '../labels.js';
import { caBundle } from './machine-toolchains.js';

const suite = 'bookworm';
const mirror = process.env.POLYTRACE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

// Shared libraries the copied toolchains link against that minbase lacks: CPython's
// ssl, sqlite3, ctypes, pyexpat and readline modules; tzdata and netbase as distroless has them.
const extraPackages = ['libssl3', 'libsqlite3-0', 'libffi8', 'libexpat1', 'libreadline8', 'tzdata', 'netbase'];

const caVariables = ['SSL_CERT_FILE', 'PIP_CERT', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO'];

export async function assertCanBootstrap(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError('images prepare runs debootstrap, which needs root: run it as root (e.g. sudo)');
  }
  if (!(await which('debootstrap'))) {
    throw new EnvironmentError('images prepare needs debootstrap: apt-get install debootstrap');
  }
}

/** Package-registry settings of this machine that differ from the defaults, so builds in containers use the same. */
async function registryEnvironment(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const get = async (cmd: string, args: string[]) =>
    (await execa(cmd, args, { reject: false, timeout: 20_000, stdin: 'ignore', env: { GOTOOLCHAIN: 'local' } })).stdout?.trim() ?? '';
  const [goproxy, gosumdb, goprivate] = (await get('go', ['env', 'GOPROXY', 'GOSUMDB', 'GOPRIVATE'])).split('\n');
  if (goproxy && goproxy !== 'https://proxy.golang.org,direct') env.GOPROXY = goproxy;
  if (gosumdb && gosumdb !== 'sum.golang.org') env.GOSUMDB = gosumdb;
  if (goprivate) env.GOPRIVATE = goprivate;
  const npmRegistry = (await get('npm', ['config', 'get', 'registry'])).split('\n').pop();
  if (npmRegistry && npmRegistry !== 'https://registry.npmjs.org/') env.NPM_CONFIG_REGISTRY = npmRegistry;
  for (const [key, variable] of [
    ['global.index-url', 'PIP_INDEX_URL'],
    ['global.extra-index-url', 'PIP_EXTRA_INDEX_URL'],
    ['global.trusted-host', 'PIP_TRUSTED_HOST'],
  ] as const) {
    const value = process.env[variable] || (await get('pip', ['config', 'get', key]));
    if (value && !/ERROR|No such key/.test(value)) env[variable] = value;
  }
  return env;
}

/** Where the Debian root filesystem is made, the image it becomes, and where progress is said. */
interface DebianBootstrap {
  workDir: string;
  image: string;
  say: (message: string) => void;
}

export async function bootstrapDebian(
  docker: Dockerode,
  { workDir, image, say }: DebianBootstrap,
  signal: AbortSignal,
): Promise<void> {
  const rootfs = join(workDir, `rootfs-${suite}`);
  const logPath = join(workDir, 'debootstrap.log');
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  say(`debootstrap ${suite} (minbase) from ${mirror} into ${rootfs}…`);
  try {
    await execa(
      'debootstrap',
      ['--variant=minbase', `--include=${extraPackages.join(',')}`, suite, rootfs, mirror],
      { stdin: 'ignore', stdout: { file: logPath }, stderr: { file: logPath, append: true }, cancelSignal: signal, timeout: 20 * 60_000 },
    );
  } catch (error) {
    signal.throwIfAborted();
    throw new EnvironmentError(`debootstrap ${suite} from ${mirror} failed`, {
      detail: await logTail(logPath),
      cause: error,
    });
  }
  // As the official slim images: no package caches or indexes, no docs, and none installed later.
  for (const path of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
    await rm(join(rootfs, path), { recursive: true, force: true });
    await mkdir(join(rootfs, path), { recursive: true });
  }
  await mkdir(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
  await writeFile(
    join(rootfs, 'etc/dpkg/dpkg.cfg.d/polytrace-slim'),
    ['path-exclude /usr/share/doc/*', 'path-exclude /usr/share/man/*', 'path-exclude /usr/share/info/*', 'path-exclude /usr/share/locale/*', ''].join('\n'),
  );
  await rm(join(rootfs, 'var/log/bootstrap.log'), { force: true });
  await mkdir(join(rootfs, 'etc/ssl/certs'), { recursive: true });
  await copyFile(caBundle, join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));

  const registries = await registryEnvironment();
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV LANG=C.UTF-8',
    ...caVariables.map((variable) => `ENV ${variable}=/etc/ssl/certs/ca-certificates.crt`),
    ...Object.entries(registries).map(([variable, value]) => `ENV ${variable}=${value}`),
    `LABEL ${label.owner}=true ${label.base}=debian ${label.toolchain}=debian-${suite}-minbase`,
    'CMD ["bash"]',
  ];
  say(`importing it as ${image}${Object.keys(registries).length ? ` (registry settings: ${Object.keys(registries).join(', ')})` : ''}…`);
  const [name, tag] = image.split(':');
  const tar = execa('tar', ['--numeric-owner', '-C', rootfs, '-cf', '-', '.'], { stdin: 'ignore', buffer: false, cancelSignal: signal });
  try {
    const stream = await docker.importImage(tar.stdout!, { repo: name, tag, changes } as object);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
    );
    await tar;
  } catch (error) {
    signal.throwIfAborted();
    throw new EnvironmentError(`importing the Debian root filesystem as ${image} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}
