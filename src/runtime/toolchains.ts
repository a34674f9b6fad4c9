// Finds the executables a runtime needs on PATH, and says how to get a missing one.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export const installHints: Record<string, string> = {
  go: 'install Go 1.23 or newer (https://go.dev/doc/install, or Debian: apt-get install golang)',
  java: 'install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)',
  mvn: 'install Maven 3.8 or newer (Debian: apt-get install maven)',
  python3: 'install Python 3.11 with venv (Debian: apt-get install python3 python3-venv)',
  node: 'install Node.js 20.19 or newer',
  npm: 'install npm (it ships with Node.js)',
  docker: 'install Docker (Debian: apt-get install docker.io) and start dockerd',
  faketime:
    "install Debian's libfaketime (apt-get install faketime); only the clock-skew scenario and --clock-skew need it",
};

export async function which(command: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export async function missingToolchains(commands: string[]): Promise<string[]> {
  const unique = [...new Set(commands)];
  const found = await Promise.all(unique.map((command) => which(command)));
  return unique.filter((_, i) => !found[i]);
}
