// A registry on 127.0.0.1 serving images under Docker Hub's official names:
// Debian's `docker-registry` (the CNCF distribution registry), which the
// Docker engine uses as its registry mirror (`dockerd --registry-mirror
// http://127.0.0.1:5000`, as .ci/run starts it). With it, a build that names
// `golang:1.26-bookworm` pulls it the way a laptop pulls from Docker Hub.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The engine's registry mirrors on 127.0.0.1, as `http://127.0.0.1:PORT`. */
export async function loopbackMirror(): Promise<string | undefined> {
  const info = await execa('docker', ['info', '--format', '{{json .RegistryConfig.Mirrors}}'], { reject: false });
  const mirrors = (JSON.parse(info.stdout || 'null') as string[] | null) ?? [];
  return mirrors.map((m) => m.replace(/\/$/, '')).find((m) => /^http:\/\/127\.0\.0\.1:\d+$/.test(m));
}

export class RegistryMirror {
  private process?: ResultPromise;
  private readonly storage = mkdtempSync(join(tmpdir(), 'polytrace-registry-'));

  constructor(readonly url: string) {}

  /** host:port, the prefix of the names this registry serves. */
  get host(): string {
    return this.url.replace(/^http:\/\//, '');
  }

  async start(): Promise<void> {
    if (this.process) return;
    const config = join(this.storage, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: warn }',
        `storage: { filesystem: { rootdirectory: ${join(this.storage, 'data')} }, delete: { enabled: true } }`,
        `http: { addr: ${this.host} }`,
      ].join('\n'),
    );
    this.process = execa('docker-registry', ['serve', config], { reject: false, stdin: 'ignore', all: true });
    // Bounded: 100 polls, 100 ms apart.
    for (let i = 0; i < 100; i++) {
      const answered = await fetch(`${this.url}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (answered) return;
      if (this.process.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const failed = this.process;
    this.process = undefined;
    failed.kill();
    throw new Error(`Expected docker-registry to answer on ${this.url}, got: ${(await failed).all}`);
  }

  async stop(): Promise<void> {
    if (!this.process) return;
    this.process.kill('SIGTERM');
    await this.process;
    this.process = undefined;
  }

  /** Pushes a local image under `name` (a Docker Hub name such as golang:1.26-bookworm, or a path of its own). */
  async push(localImage: string, name: string): Promise<void> {
    const path = name.includes('/') ? name : `library/${name}`;
    const target = `${this.host}/${path}`;
    await execa('docker', ['tag', localImage, target]);
    const pushed = await execa('docker', ['push', '--quiet', target], { reject: false, all: true });
    await execa('docker', ['rmi', target], { reject: false });
    if (pushed.exitCode !== 0) throw new Error(`Expected \`docker push ${target}\` to succeed, got: ${pushed.all}`);
  }
}
