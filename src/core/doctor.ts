// `polytrace doctor`: is this machine ready? Each toolchain, port and the
// Docker engine, with how to fix what is not. Returns data; prints nothing.
import { execa } from 'execa';
import { chainBaseKinds, officialImages } from '../topology/base-images.js';
import { collector, services } from '../topology/chain.js';
import { portOwner, type PortMap } from '../topology/ports.js';
import { isPortFree } from '../runtime/port-check.js';
import { fakeTimeLibrary } from '../runtime/local/fake-time.js';
import { installHints, which } from '../runtime/toolchains.js';

export interface DoctorItem {
  group: 'toolchain' | 'optional' | 'port' | 'docker' | 'platform';
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const versionFlags: Record<string, string[]> = { go: ['version'], java: ['-version'], mvn: ['-v'] };

async function version(command: string): Promise<string> {
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

async function toolchainItems(): Promise<DoctorItem[]> {
  const needs = new Map<string, string[]>();
  for (const component of [collector, ...services]) {
    for (const tool of component.local.toolchains) needs.set(tool, [...(needs.get(tool) ?? []), component.name]);
  }
  return Promise.all(
    [...needs].map(async ([tool, users]): Promise<DoctorItem> => {
      const path = await which(tool);
      if (!path)
        return {
          group: 'toolchain',
          name: tool,
          ok: false,
          detail: `not on PATH (needed by ${users.join(', ')})`,
          fix: installHints[tool] ?? `install ${tool}`,
        };
      return { group: 'toolchain', name: tool, ok: true, detail: `${await version(tool)} (${path})` };
    }),
  );
}

async function portItems(ports: PortMap): Promise<DoctorItem[]> {
  return Promise.all(
    Object.entries(ports).map(async ([name, port]): Promise<DoctorItem> => {
      const free = await isPortFree(port);
      return {
        group: 'port',
        name: `${port}`,
        ok: free,
        detail: `${portOwner(name)}: ${free ? 'free' : 'in use'}`,
        ...(free
          ? {}
          : {
              fix: `stop what listens on 127.0.0.1:${port} (ss -ltnp 'sport = :${port}'), or pass --port ${name}=<free port>`,
            }),
      };
    }),
  );
}

/** The official base images the Dockerfiles build on (src/topology/base-images.ts), and how they are had. */
export function baseImagesItem(): DoctorItem {
  const images = [...new Set(chainBaseKinds.map((kind) => officialImages[kind]))];
  return {
    group: 'docker',
    name: 'bases',
    ok: true,
    detail: `the Dockerfiles build on ${images.join(', ')} (pulled when missing; --base-image pins a digest)`,
  };
}

/** What polytrace was tested on, and what is expected to work without having been run here. */
export function platformItem(
  platform: string = process.platform,
  arch: string = process.arch,
  dockerHost: string | undefined = process.env.DOCKER_HOST,
): DoctorItem {
  const here = `${platform}/${arch}${dockerHost ? `, DOCKER_HOST=${dockerHost}` : ''}`;
  const tested = platform === 'linux' && arch === 'x64' && !dockerHost;
  return {
    group: 'platform',
    name: 'tested',
    ok: true,
    detail: `${here}: ${tested ? 'as tested' : 'not tested there, expected to work'} (${platformNote})`,
  };
}

const platformNote =
  'tested: Linux x86_64 with dockerd; expected, untested: Docker Desktop on macOS and Windows, arm64, rootless Docker or Podman through DOCKER_HOST';

async function dockerItems(): Promise<DoctorItem[]> {
  // Loaded here only: testcontainers finds the engine the way the docker runtime will.
  const { dockerAvailability } = await import('../runtime/docker/availability.js');
  const docker = await dockerAvailability();
  if (!docker.engine.ok) {
    return [
      {
        group: 'docker',
        name: 'engine',
        ok: false,
        detail: `${docker.engine.detail.replace(/: start the Docker engine.*$/, '')}; the local runtime will be used`,
        fix: (await which('docker'))
          ? 'start dockerd (e.g. `dockerd &` as root, or `systemctl start docker`)'
          : installHints.docker,
      },
    ];
  }
  return [
    { group: 'docker', name: 'engine', ok: true, detail: docker.engine.detail },
    baseImagesItem(),
    docker.images
      ? {
          group: 'docker',
          name: 'images',
          ok: true,
          detail: `the ${docker.images} are here: --runtime docker needs no registry`,
        }
      : {
          group: 'docker',
          name: 'images',
          ok: false,
          detail:
            'no polytrace images and no base images here yet: --runtime docker pulls them, --runtime auto uses local processes where the toolchains are',
          fix: 'nothing, where a registry answers; else polytrace images prepare (as root) or `images load FILE` with a file from `images save`',
        },
  ];
}

/** What only some scenarios need: said, never blocking. */
async function optionalItems(): Promise<DoctorItem[]> {
  const faketime = await fakeTimeLibrary().then(
    (path) => ({ ok: true, detail: `${path} (for the clock-skew scenario and --clock-skew)` }),
    () => ({ ok: false, detail: 'not installed: only the clock-skew scenario and --clock-skew need it', fix: installHints.faketime }),
  );
  return [{ group: 'optional', name: 'faketime', ...faketime }];
}

export async function doctor(ports: PortMap): Promise<DoctorItem[]> {
  const [toolchains, optional, portList, docker] = await Promise.all([
    toolchainItems(),
    optionalItems(),
    portItems(ports),
    dockerItems(),
  ]);
  return [...toolchains, ...optional, ...portList, ...docker, platformItem()];
}
