// `polytrace doctor`: is this machine ready? Each toolchain, port and the
// Docker engine, with how to fix what is not. Returns data; prints nothing.
import { realpath } from 'node:fs/promises';
import { chainBaseKinds, officialImages } from '../topology/base-images.js';
import { broker, collector, services } from '../topology/chain.js';
import { portOwner, portsInUse, type PortMap } from '../topology/ports.js';
import { isPortFree } from '../runtime/port-check.js';
import { fakeTimeLibrary } from '../runtime/local/fake-time.js';
import { installHint as rabbitmqHint, rabbitmqServer } from '../runtime/local/rabbitmq-node.js';
import { installHints } from '../runtime/toolchains.js';
import { toolchainVersion } from '../runtime/toolchain-version.js';
import { which } from '../runtime/which.js';
import { chooseJdk, jdkFolders, minimumJava, passedOverLine } from '../runtime/jdk.js';

export interface DoctorItem {
  group: 'toolchain' | 'optional' | 'port' | 'docker' | 'platform';
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Java is a JDK of the version auth-service needs, found as build tools find one (not only on PATH). */
async function javaItem(users: string[]): Promise<DoctorItem> {
  const choice = await chooseJdk();
  const { jdk } = choice;
  // What JAVA_HOME or PATH pointed at and was passed over is said beside the JDK taken.
  const passedOver = passedOverLine(choice);
  if (jdk) {
    const detail = passedOver
      ? `JDK ${jdk.version} (${jdk.home}); passed over: ${passedOver}`
      : `JDK ${jdk.version} (${jdk.home})`;
    return { group: 'toolchain', name: 'java', ok: true, detail };
  }
  return {
    group: 'toolchain',
    name: 'java',
    ok: false,
    detail: `no JDK ${minimumJava} or newer in JAVA_HOME, on PATH or in ${jdkFolders.join(' or ')} (needed by ${users.join(', ')})${passedOver ? `; passed over: ${passedOver}` : ''}`,
    fix: installHints.java,
  };
}

async function toolchainItems(): Promise<DoctorItem[]> {
  const needs = new Map<string, string[]>();
  for (const component of [collector, ...services]) {
    for (const tool of component.local.toolchains) needs.set(tool, [...(needs.get(tool) ?? []), component.name]);
  }
  return Promise.all(
    [...needs].map(async ([tool, users]): Promise<DoctorItem> => {
      if (tool === 'java') return javaItem(users);
      const path = await which(tool);
      if (!path)
        return {
          group: 'toolchain',
          name: tool,
          ok: false,
          detail: `not on PATH (needed by ${users.join(', ')})`,
          fix: installHints[tool] ?? `install ${tool}`,
        };
      return { group: 'toolchain', name: tool, ok: true, detail: `${await toolchainVersion(tool)} (${path})` };
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

/** RabbitMQ for the local runtime's async scenarios, and whether its ports are free. */
async function rabbitmqItem(ports: PortMap): Promise<DoctorItem> {
  const scenarios = 'the async and queue-context-dropped scenarios';
  const own = Object.entries(portsInUse(ports, [broker.name], 'local')).filter(([name]) =>
    name.startsWith(`${broker.name}.`),
  );
  const busy = (
    await Promise.all(
      own.map(async ([name, port]) => ((await isPortFree(port)) ? [] : [`${port} (${portOwner(name)})`])),
    )
  ).flat();
  const portsNote = busy.length
    ? `; in use: ${busy.join(', ')} (move with --port ${broker.name}.amqp=…, .dist=…, .epmd=…; check picks free ones itself)`
    : '';
  return rabbitmqServer().then(
    async (path) => {
      // The script lives in (or links into) rabbitmq_server-<version>/sbin.
      const version = /rabbitmq_server-([\w.]+)/.exec(await realpath(path).catch(() => path))?.[1];
      const known = version ? ` (RabbitMQ ${version})` : '';
      return {
        group: 'optional',
        name: broker.name,
        ok: busy.length === 0,
        detail: `${path}${known}, for ${scenarios}${portsNote}`,
      };
    },
    () => ({
      group: 'optional',
      name: broker.name,
      ok: false,
      detail: `not installed: only ${scenarios} need it on the local runtime${portsNote}`,
      fix: rabbitmqHint,
    }),
  );
}

/** What only some scenarios need: said, never blocking. */
async function optionalItems(ports: PortMap): Promise<DoctorItem[]> {
  const faketime = await fakeTimeLibrary().then(
    (path) => ({ ok: true, detail: `${path} (for the clock-skew scenario and --clock-skew)` }),
    () => ({
      ok: false,
      detail: 'not installed: only the clock-skew scenario and --clock-skew need it',
      fix: installHints.faketime,
    }),
  );
  return [{ group: 'optional', name: 'faketime', ...faketime }, await rabbitmqItem(ports)];
}

export async function doctor(ports: PortMap): Promise<DoctorItem[]> {
  const [toolchains, optional, portList, docker] = await Promise.all([
    toolchainItems(),
    optionalItems(ports),
    // The broker's ports are said with RabbitMQ: only its scenarios bind them.
    portItems(portsInUse(ports, [], 'local')),
    dockerItems(),
  ]);
  return [...toolchains, ...optional, ...portList, ...docker, platformItem()];
}
