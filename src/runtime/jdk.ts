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

/** JAVA_HOME's JDK and the one `java` on PATH belongs to, in that order, each if there is one. */
async function chosenHomes(env: NodeJS.ProcessEnv): Promise<string[]> {
  const homes: string[] = [];
  if (env.JAVA_HOME) homes.push(env.JAVA_HOME);
  const java = await which('java', env.PATH);
  // /usr/bin/java → /etc/alternatives/java → <home>/bin/java (a broken link names no JDK)
  const target = java && (await realpath(java).catch(() => undefined));
  if (target) homes.push(dirname(dirname(target)));
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

/**
 * The JDK auth-service builds and runs with: the first of `minimum` or newer in the order
 * JAVA_HOME, the `java` on PATH, then the package folders (the newest there); undefined when
 * there is none.
 */
export async function findJdk(
  minimum = minimumJava,
  env: NodeJS.ProcessEnv = process.env,
  folders = jdkFolders,
): Promise<Jdk | undefined> {
  const chosen = await jdksAt(await chosenHomes(env));
  const installed = (await jdksAt(await installedHomes(folders))).sort((a, b) => b.feature - a.feature);
  return [...chosen, ...installed].find((jdk) => jdk.feature >= minimum);
}
