// What a toolchain says of its own version, first line only, for `doctor`.
import { execa } from 'execa';

/** The flag each toolchain answers its version to, where it is not `--version`. */
const versionFlags: Record<string, string[]> = { go: ['version'], mvn: ['-v'] };

export async function toolchainVersion(command: string): Promise<string> {
  const result = await execa(command, versionFlags[command] ?? ['--version'], {
    reject: false,
    timeout: 15_000,
    all: true,
    stdin: 'ignore',
  });
  return (
    (result.all ?? '')
      .split('\n')[0]
      ?.replace(/\x1b\[[0-9;]*m/g, '')
      .trim() ?? ''
  );
}
