// Finds the toolchains a runtime needs, says how to get a missing one, and
// gives the environment that points a component's build and process at them.
import { delimiter, join } from 'node:path';
import { findJdk, minimumJava } from './jdk.js';
import { which } from './which.js';

export const installHints: Record<string, string> = {
  go: 'install Go 1.23 or newer (https://go.dev/doc/install, or Debian: apt-get install golang)',
  java: `install a JDK ${minimumJava} or newer (Eclipse Temurin ${minimumJava}: https://adoptium.net), or point JAVA_HOME at one`,
  mvn: 'install Maven 3.8 or newer (Debian: apt-get install maven)',
  python3: 'install Python 3.11 with venv (Debian: apt-get install python3 python3-venv)',
  node: 'install Node.js 20.19 or newer',
  npm: 'install npm (it ships with Node.js)',
  docker: 'install Docker (Debian: apt-get install docker.io) and start dockerd',
  faketime:
    "install Debian's libfaketime (apt-get install faketime); only the clock-skew scenario and --clock-skew need it",
};

/** Java is a JDK of the version auth-service needs, wherever it is installed; the rest are found on PATH. */
const present = async (command: string) =>
  command === 'java' ? (await findJdk()) !== undefined : (await which(command)) !== undefined;

export async function missingToolchains(commands: string[]): Promise<string[]> {
  const unique = [...new Set(commands)];
  const found = await Promise.all(unique.map(present));
  return unique.filter((_, i) => !found[i]);
}

/**
 * The environment that makes a component's commands use its toolchains: for Java, the JDK found
 * (JAVA_HOME, which Maven runs on, and its bin/ first on PATH, where `java` is looked up).
 */
export async function toolchainEnvironment(
  commands: string[],
  path = process.env.PATH ?? '',
): Promise<Record<string, string>> {
  if (!commands.includes('java')) return {};
  const jdk = await findJdk();
  if (!jdk) return {};
  return { JAVA_HOME: jdk.home, PATH: `${join(jdk.home, 'bin')}${delimiter}${path}` };
}
