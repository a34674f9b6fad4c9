// Where each stand-in base image gets its toolchain: from this machine, the
// same Go, JDK, Maven, CPython and Node the local runtime uses, so both
// runtimes build with the same tools. Each kind stages a build context
// (docker/base-images/<kind>/ names what it expects) and says what it carries.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../../common/errors.js';
import { repoRoot } from '../../../common/paths.js';
import { installHints } from '../../toolchains.js';
import { findJdk, minimumJava, type Jdk } from '../../jdk.js';
import type { BaseImageKind } from '../../../topology/types.js';
import { officialNodeMajor } from '../../../topology/base-images.js';
import { nodeBinaryPackage } from '../../sdk/nodejs-companions.js';
import { npmQuiet } from '../../sdk/sdk-pins.js';

interface StagedToolchain {
  /** e.g. "go1.26.8 from /usr/local/go", for the progress line and the image label. */
  toolchain: string;
  /** Build arguments its Dockerfile reads (the Node version it sets as the official image does). */
  buildArgs?: Record<string, string>;
}

type Stager = (contextDir: string, signal: AbortSignal) => Promise<StagedToolchain>;

const run = async (cmd: string, args: string[], signal: AbortSignal) => {
  try {
    const result = await execa(cmd, args, {
      all: true,
      stdin: 'ignore',
      cancelSignal: signal,
      timeout: 10 * 60_000,
      env: { GOTOOLCHAIN: 'local' },
    });
    return result.all ?? '';
  } catch (error) {
    signal.throwIfAborted();
    const { code, all } = error as { code?: string; all?: string };
    if (code === 'ENOENT') {
      throw new EnvironmentError(`images prepare needs ${cmd} on PATH: ${installHints[cmd] ?? `install ${cmd}`}`, {
        cause: error,
      });
    }
    throw new EnvironmentError(`\`${cmd} ${args.join(' ')}\` failed`, {
      detail: all?.split('\n').slice(-15).join('\n'),
      cause: error,
    });
  }
};

const need = (ok: boolean, message: string) => {
  if (!ok) throw new EnvironmentError(message);
};

const golang: Stager = async (dir, signal) => {
  const [root, version] = (await run('go', ['env', 'GOROOT', 'GOVERSION'], signal)).trim().split('\n');
  const [, minor] = /^go1\.(\d+)/.exec(version ?? '') ?? [];
  // The gateway's and the Collector's go.mod say `go 1.26.0`.
  need(Number(minor) >= 26, `images prepare needs Go 1.26 or newer on PATH, found ${version}`);
  await cp(root!, join(dir, 'go'), {
    recursive: true,
    verbatimSymlinks: true,
    // The Go project's own test suite: a quarter of GOROOT, never used to build.
    filter: (path) => path !== join(root!, 'test'),
  });
  return { toolchain: `${version} from ${root}` };
};

/** The JDK auth-service builds and runs with locally; its Dockerfile's images are that Java too. */
async function machineJdk(): Promise<Jdk> {
  const jdk = await findJdk();
  need(jdk !== undefined, `images prepare needs a JDK ${minimumJava} or newer: ${installHints.java}`);
  return jdk!;
}

/** The machine's CA bundle: what build containers must trust to reach the package registries. */
export const caBundle = '/etc/ssl/certs/ca-certificates.crt';

/** The machine's CA bundle as a PKCS12 trust store, written with the machine's own JDK. */
async function trustStore(jdk: Jdk, dir: string, signal: AbortSignal): Promise<void> {
  const tool = join(repoRoot, 'docker', 'base-images', 'PemTrustStore.java');
  await run(join(jdk.home, 'bin', 'java'), [tool, caBundle, join(dir, 'cacerts')], signal);
}

const hasJmods = (jdk: Jdk) => existsSync(join(jdk.home, 'jmods'));

/** Every module of the JDK, by name (a JDK without jmods/ has no ALL-MODULE-PATH to link). */
const jdkModules = async (jdk: Jdk, signal: AbortSignal) =>
  (await run(join(jdk.home, 'bin', 'java'), ['--list-modules'], signal))
    .split('\n')
    .map((line) => line.trim().replace(/@.*$/, ''))
    .filter(Boolean);

async function jlink(jdk: Jdk, { modules, output }: { modules: string[]; output: string }, signal: AbortSignal) {
  await run(
    join(jdk.home, 'bin', 'jlink'),
    [
      // A JDK without jmods/ (Temurin's since 24) links from its own run-time image (JEP 493).
      ...(hasJmods(jdk) ? ['--module-path', join(jdk.home, 'jmods')] : []),
      '--add-modules',
      modules.join(','),
      '--output',
      output,
      '--strip-debug',
      '--no-man-pages',
      '--no-header-files',
    ],
    signal,
  );
}

/**
 * The Maven the stand-in carries: the official tag names the 3.9 line, and the machine's own Maven
 * may be older (Debian 12 ships 3.8), so the stand-in takes Apache's 3.9 distribution from Maven
 * Central, fetched by the machine's Maven.
 */
const standInMavenVersion = '3.9.16';

const maven: Stager = async (dir, signal) => {
  const jdk = await machineJdk();
  // A runtime image of every module is a whole JDK (javac included) with its own conf: it
  // does not lean on /etc/java-<n>-openjdk as a distribution's JDK folder may.
  // A JDK linked from its own run-time image cannot pass on jlink (JEP 493), nor jpackage, which
  // needs it; Maven uses neither.
  const linkTools = /^jdk\.(jlink|jpackage)$/;
  const modules = (await jdkModules(jdk, signal)).filter((name) => hasJmods(jdk) || !linkTools.test(name));
  await jlink(jdk, { modules, output: join(dir, 'jdk') }, signal);
  const tarball = join(dir, `apache-maven-${standInMavenVersion}-bin.tar.gz`);
  await run(
    'mvn',
    ['-B', '-q', 'dependency:copy', `-Dartifact=org.apache.maven:apache-maven:${standInMavenVersion}:tar.gz:bin`, `-DoutputDirectory=${dir}`],
    signal,
  );
  await mkdir(join(dir, 'maven'));
  await run('tar', ['-xzf', tarball, '-C', join(dir, 'maven'), '--strip-components=1'], signal);
  await rm(tarball);
  await trustStore(jdk, dir, signal);
  return { toolchain: `Java ${jdk.version} (${jdk.home}) + Maven ${standInMavenVersion} (Apache's distribution)` };
};

// Development tools and experimental modules: a JRE (like Temurin's) leaves them out.
const notInJre =
  /^jdk\.(compiler|javadoc|jshell|jdeps|jlink|jpackage|jartool|jconsole|jcmd|jstatd|jdi|editpad|hotspot\.agent|internal\.(ed|le|opt|jvmstat|vm\..*)|incubator\..*)$/;

const jre: Stager = async (dir, signal) => {
  const jdk = await machineJdk();
  const modules = (await jdkModules(jdk, signal)).filter((name) => !notInJre.test(name));
  await jlink(jdk, { modules, output: join(dir, 'jre') }, signal);
  await trustStore(jdk, dir, signal);
  return { toolchain: `Java ${jdk.version} runtime (${modules.length} modules of ${jdk.home})` };
};

const python: Stager = async (dir, signal) => {
  const [prefix, version] = (
    await run('python3', ['-c', 'import sys; print(sys.base_prefix); print(sys.version.split()[0])'], signal)
  )
    .trim()
    .split('\n');
  need(/^3\.11\./.test(version ?? ''), `images prepare needs Python 3.11 as \`python3\` on PATH, found ${version}`);
  // A distribution's Python is spread over /usr; only a self-contained installation can be copied.
  need(
    prefix !== '/usr' && prefix !== '/usr/local',
    `images prepare copies a self-contained Python 3.11 (pyenv's, or one built with --prefix), not the one in ${prefix}`,
  );
  const lib = join(prefix!, 'lib', 'python3.11');
  await cp(prefix!, join(dir, 'python'), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (path) => {
      // Only the interpreter itself from bin/: the other scripts point at the machine's prefix.
      if (path.startsWith(join(prefix!, 'bin') + '/')) return /\/python(3(\.11)?)?$/.test(path);
      // The machine's own packages and CPython's test suite stay behind; venv brings pip itself.
      if (path.startsWith(join(lib, 'site-packages') + '/')) return false;
      return path !== join(lib, 'test') && path !== join(prefix!, 'share');
    },
  });
  await writeFile(join(dir, 'python', 'lib', 'python3.11', 'site-packages', 'README.txt'), 'Third-party packages go here.\n');
  return { toolchain: `Python ${version} from ${prefix}` };
};

/**
 * Node.js of the official image's major (node:24-bookworm-slim: 24), not the machine's own, which
 * may be older: Node's own Linux binary as the npm registry serves it (the package the local
 * runtime installs for a JS line that needs a newer Node), and the machine's npm beside it.
 */
const node: Stager = async (dir, signal) => {
  const major = officialNodeMajor();
  const download = join(dir, 'download');
  const binaryPackage = nodeBinaryPackage();
  await run(
    'npm',
    ['install', ...npmQuiet, '--ignore-scripts', '--no-save', '--prefix', download, `${binaryPackage}@${major}`],
    signal,
  );
  const installed = join(download, 'node_modules', binaryPackage);
  const { version } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { version: string };
  need(version.split('.')[0] === String(major), `images prepare needs ${binaryPackage} ${major}.x, npm installed ${version}`);
  const npmRoot = (await run('npm', ['root', '-g'], signal)).trim().split('\n').pop()!;
  await mkdir(join(dir, 'node', 'bin'), { recursive: true });
  await cp(join(installed, 'bin', 'node'), join(dir, 'node', 'bin', 'node'));
  await rm(download, { recursive: true, force: true });
  await cp(join(npmRoot, 'npm'), join(dir, 'node', 'lib', 'node_modules', 'npm'), { recursive: true, dereference: true });
  return { toolchain: `Node.js v${version} (${binaryPackage} from the npm registry)`, buildArgs: { NODE_VERSION: version } };
};

const distrolessStatic: Stager = async () => ({ toolchain: 'no toolchain: CA bundle, users, time zones' });

/** Nothing from this machine: the Dockerfile installs Debian's own rabbitmq-server package. */
const rabbitmq: Stager = async () => ({ toolchain: "Debian's rabbitmq-server package (apt)" });

export const stagers: Record<Exclude<BaseImageKind, 'debian'>, Stager> = {
  golang,
  maven,
  jre,
  python,
  node,
  'distroless-static': distrolessStatic,
  rabbitmq,
};
