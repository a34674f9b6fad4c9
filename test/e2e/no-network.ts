// A command with no network at all: a fresh network namespace whose only link
// is loopback, which the command checks before it runs, so that no setting of
// any client can be missed. What the offline tests of both runtimes run in.
import { execFileSync } from 'node:child_process';

/** Why this machine cannot make a namespace with only loopback, or undefined when it can. */
function noNamespace(): string | undefined {
  try {
    execFileSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `\`unshare -n\` with \`ip link set lo up\` failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export const namespaceMissing = noNamespace();

/** The command inside a fresh network namespace: loopback up, and it must be the only link. */
export const withNoNetwork = (command: string[]): string[] => [
  'unshare',
  '-n',
  'sh',
  '-c',
  `ip link set lo up && test "$(ip -o link | wc -l)" = 1 && exec "$@"`,
  'offline',
  ...command,
];
