// Finds the JDK auth-service is built and run with, the way build tools detect
// a Java toolchain: JAVA_HOME first, then the `java` on PATH, then the folders
// where packages install JDKs side by side. Each JDK's `release` file says its
// version, so no JVM is started to ask.
import { access, readFile, readdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { which } from './which.js';

/**
 * The oldest Java auth-service runs on: 25 is the first LTS release whose AOT cache (JEP 483, with
 * JEP 514's one-step training) the OpenTelemetry Java agent can start with.
 */
export const minimumJava = 25;

export interface Jdk {
  home: string;
  /** As its `release` file gives it, e.g. 25.0.3. */
  version: string;
  /** The feature release: 25 for 25.0.3, 8 for 1.8.0_452. */
  feature: number;
}

/** Where Linux packages (Debian's, Adoptium's) and macOS installers put JDKs, side by side. */
export const jdkFolders = ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines'];

/** Reads a JDK home's `release` file; undefined when the folder is not a JDK (a JRE has no javac). */
export async function readJdk(home: string): Promise<Jdk | undefined> {
  try {
    await access(join(home, 'bin', 'javac'));
    const release = await readFile(join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1];
    if (!version) return undefined;
    const [first, second] = version.split('.').map(Number);
    return { home, version, feature: first === 1 ? second! : first! };
  } catch {
    return undefined;
  }
}

/** Where the user pointed at a JDK: JAVA_HOME, or the `java` first on PATH. */
type PointedBy = 'JAVA_HOME' | 'PATH';

/** JAVA_HOME and the home the `java` on PATH belongs to, in that order, each if there is one. */
async function pointedHomes(env: NodeJS.ProcessEnv): Promise<Array<{ by: PointedBy; home: string }>> {
  const homes: Array<{ by: PointedBy; home: string }> = [];
  if (env.JAVA_HOME) homes.push({ by: 'JAVA_HOME', home: env.JAVA_HOME });
  const java = await which('java', env.PATH);
  // /usr/bin/java → /etc/alternatives/java → <home>/bin/java (a broken link names no JDK)
  const target = java && (await realpath(java).catch(() => undefined));
  if (target) homes.push({ by: 'PATH', home: dirname(dirname(target)) });
  return homes;
}

async function installedHomes(folders: string[]): Promise<string[]> {
  const homes: string[] = [];
  for (const folder of folders) {
    for (const entry of await readdir(folder).catch(() => [] as string[])) {
      homes.push(join(folder, entry), join(folder, entry, 'Contents', 'Home'));
    }
  }
  return homes;
}

const jdksAt = async (homes: string[]) => (await Promise.all(homes.map(readJdk))).filter((jdk) => jdk !== undefined);

/** A JDK the user pointed at that polytrace did not take: too old, or no JDK at all. */
interface PassedOverJdk {
  by: PointedBy;
  home: string;
  /** Its version; absent when the folder is not a JDK (no javac, no release file). */
  version?: string;
}

export interface JdkChoice {
  /** The JDK auth-service builds and runs with; absent when none is new enough. */
  jdk?: Jdk;
  /** What JAVA_HOME or PATH pointed at and was not taken, so that a run can say so. */
  passedOver: PassedOverJdk[];
}

/**
 * The JDK auth-service builds and runs with: the first of `minimum` or newer in the order
 * JAVA_HOME, the `java` on PATH, then the package folders (the newest there), and what the user
 * pointed at before it that was passed over.
 */
export async function chooseJdk({
  minimum = minimumJava,
  env = process.env,
  folders = jdkFolders,
}: { minimum?: number; env?: NodeJS.ProcessEnv; folders?: string[] } = {}): Promise<JdkChoice> {
  const pointed = await Promise.all((await pointedHomes(env)).map(async (p) => ({ ...p, jdk: await readJdk(p.home) })));
  const installed = (await jdksAt(await installedHomes(folders))).sort((a, b) => b.feature - a.feature);
  const candidates = [...pointed.flatMap((p) => (p.jdk ? [p.jdk] : [])), ...installed];
  const jdk = candidates.find((candidate) => candidate.feature >= minimum);
  const passedOver = pointed
    .filter((p) => p.jdk?.home !== jdk?.home && (!p.jdk || p.jdk.feature < minimum))
    .map(({ by, home, jdk: found }) => ({ by, home, ...(found ? { version: found.version } : {}) }));
  return { ...(jdk ? { jdk } : {}), passedOver };
}

/** The JDK auth-service builds and runs with (chooseJdk's choice alone). */
export async function findJdk(
  minimum = minimumJava,
  env: NodeJS.ProcessEnv = process.env,
  folders = jdkFolders,
): Promise<Jdk | undefined> {
  return (await chooseJdk({ minimum, env, folders })).jdk;
}

/**
 * What was passed over, for a run's first lines and for `doctor`, e.g. "JAVA_HOME is JDK 17.0.15
 * (/usr/lib/jvm/java-17), older than 25"; undefined when nothing was.
 */
export function passedOverLine(choice: JdkChoice, minimum = minimumJava): string | undefined {
  if (choice.passedOver.length === 0) return undefined;
  return choice.passedOver
    .map(({ by, home, version }) => {
      const name = by === 'JAVA_HOME' ? 'JAVA_HOME' : 'the java on PATH';
      return version ? `${name} is JDK ${version} (${home}), older than ${minimum}` : `${name} (${home}) is not a JDK`;
    })
    .join('; ');
}
