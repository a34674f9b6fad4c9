// A Maven repository as the machine's `mvn` reads it (with its own settings
// and mirrors): an artifact's versions from the repository's metadata, and
// one version's POM, both fetched into the local repository and read there.
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { childEnvironment } from '../local/child-environment.js';
import { toolchainEnvironment } from '../toolchains.js';
import type { MavenArtifacts } from './registries.js';

async function mvn(args: string[], signal?: AbortSignal): Promise<string> {
  try {
    const { stdout } = await execa('mvn', ['-B', '-q', ...args], {
      cwd: tmpdir(),
      env: childEnvironment(await toolchainEnvironment(['java'])),
      extendEnv: false,
      stdin: 'ignore',
      timeout: 180_000,
      ...(signal ? { cancelSignal: signal } : {}),
    });
    return stdout;
  } catch (error) {
    signal?.throwIfAborted();
    const output = (error as { stdout?: string }).stdout ?? '';
    const why = output.split('\n').find((l) => l.includes('[ERROR]')) ?? String(error);
    throw new EnvironmentError(`could not read the Maven repository through \`mvn ${args.join(' ')}\`: ${why.trim()}`, {
      cause: error,
    });
  }
}

/** The `<version>` entries of a maven-metadata.xml. */
export const metadataVersions = (xml: string): string[] =>
  [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]!);

export function mavenClient(signal?: AbortSignal): MavenArtifacts {
  let localRepository: Promise<string> | undefined;
  const repository = () =>
    (localRepository ??= mvn(['help:evaluate', '-Dexpression=settings.localRepository', '-DforceStdout'], signal).then(
      // Maven colours even a piped answer here.
      (out) => out.replace(/\x1b\[[0-9;]*m/g, '').trim(),
    ));
  const folder = async (coordinates: string) => {
    const [group, artifact] = coordinates.split(':') as [string, string];
    return join(await repository(), ...group.split('.'), artifact);
  };
  return {
    async versions(coordinates) {
      // Resolving LATEST makes Maven fetch the artifact's metadata from each repository it uses;
      // where the local repository is, Maven says meanwhile (two JVMs on two cores beat one after the other).
      const [, dir] = await Promise.all([
        mvn(['dependency:get', `-Dartifact=${coordinates}:LATEST:pom`, '-Dtransitive=false'], signal),
        folder(coordinates),
      ]);
      const files = (await readdir(dir)).filter((f) => /^maven-metadata.*\.xml$/.test(f));
      const versions = new Set<string>();
      for (const file of files)
        for (const v of metadataVersions(await readFile(join(dir, file), 'utf8'))) versions.add(v);
      return [...versions];
    },
    async pom(coordinates, version) {
      await mvn(['dependency:get', `-Dartifact=${coordinates}:${version}:pom`, '-Dtransitive=false'], signal);
      const artifact = coordinates.split(':')[1]!;
      return readFile(join(await folder(coordinates), version, `${artifact}-${version}.pom`), 'utf8');
    },
  };
}
