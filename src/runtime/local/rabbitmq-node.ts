// RabbitMQ as the run's own node, from the machine's rabbitmq-server (Debian's
// package): its own node name, its data, logs and configuration in the run's
// folder, and every port on 127.0.0.1 (AMQP, the Erlang distribution port, and
// an epmd of its own, run in the foreground so the run stops it too: an epmd
// the Erlang VM starts by itself daemonizes and outlives the node).
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../../common/errors.js';
import type { Broker } from '../../topology/types.js';
import { which } from '../which.js';
import type { ProcessSpec } from './managed-process.js';

/**
 * The rabbitmq-server script to run as this user. Debian's /usr/sbin/rabbitmq-server switches to
 * the `rabbitmq` user (who cannot write the run's folder); the package's own script sits in
 * /usr/lib/rabbitmq/bin. Elsewhere (RabbitMQ's generic build, Homebrew) it is on PATH.
 */
export async function rabbitmqServer(): Promise<string> {
  const debian = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  const found = await access(debian, constants.X_OK).then(
    () => debian,
    () => which('rabbitmq-server'),
  );
  if (!found) throw new EnvironmentError(`this scenario needs RabbitMQ, which is not installed: ${installHint}`);
  return found;
}

export const installHint =
  "install Debian's rabbitmq-server (apt-get install rabbitmq-server; only the async and queue-context-dropped scenarios need it), or use --runtime docker";

async function epmd(): Promise<string> {
  const found = (await which('epmd')) ?? '/usr/lib/erlang/bin/epmd';
  await access(found, constants.X_OK).catch(() => {
    throw new EnvironmentError(`RabbitMQ needs Erlang's epmd, which is not on PATH: ${installHint}`);
  });
  return found;
}

/** The name of the node's epmd among the run's processes (its log is <name>.log). */
const epmdName = (broker: Broker) => `${broker.name}-epmd`;

export interface RabbitmqNodeOptions {
  broker: Broker;
  runId: string;
  /** The run's folder: the node keeps everything under <runDir>/<broker>/. */
  runDir: string;
  ports: { amqp: number; dist: number; epmd: number };
  /** The password of the broker's only user (a secret of its own, not the OTLP token). */
  password: string;
  /** The environment both processes start from (the user's, minus what must not leak in). */
  baseEnv: Record<string, string>;
  logsDir: string;
}

/** The two processes of the node, epmd first; writes the node's configuration into the run's folder. */
export async function rabbitmqNode(options: RabbitmqNodeOptions): Promise<{ epmd: ProcessSpec; server: ProcessSpec }> {
  const { broker, ports } = options;
  const home = join(options.runDir, broker.name);
  await mkdir(join(home, 'conf.d'), { recursive: true, mode: 0o700 });
  // A fresh node creates this user (and no guest); the file is the user's alone, like the run folder.
  await writeFile(
    join(home, 'conf.d', 'polytrace.conf'),
    [
      `default_user = ${broker.user}`,
      `default_pass = ${options.password}`,
      'default_permissions.configure = .*',
      'default_permissions.read = .*',
      'default_permissions.write = .*',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // No plugins: the management UI would open another port.
  await writeFile(join(home, 'enabled_plugins'), '[].\n', { mode: 0o600 });
  const inherited = Object.fromEntries(
    Object.entries(options.baseEnv).filter(([key]) => !key.startsWith('RABBITMQ_') && !key.startsWith('ERL_')),
  );
  const erlang = {
    // epmd binds these; the node and its tools find epmd by them.
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(ports.epmd),
    // The Erlang cookie is written to (and read from) $HOME/.erlang.cookie.
    HOME: home,
  };
  const epmdSpec: ProcessSpec = {
    name: epmdName(broker),
    cmd: await epmd(),
    args: ['-address', '127.0.0.1', '-port', String(ports.epmd)],
    cwd: home,
    env: { ...inherited, ...erlang },
    logPath: join(options.logsDir, `${broker.name}-epmd.log`),
  };
  const server: ProcessSpec = {
    name: broker.name,
    cmd: await rabbitmqServer(),
    args: [],
    cwd: home,
    env: {
      ...inherited,
      ...erlang,
      RABBITMQ_NODENAME: `polytrace-${options.runId}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.dist),
      // The distribution listener on loopback too; never start an epmd of its own (ours runs).
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
      RABBITMQ_CONF_ENV_FILE: '/dev/null',
      RABBITMQ_CONFIG_FILES: join(home, 'conf.d'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(home, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(home, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(home, 'mnesia'),
      RABBITMQ_LOG_BASE: join(home, 'log'),
      RABBITMQ_PID_FILE: join(home, 'rabbitmq.pid'),
      // The log to stdout, which is the run's logs/rabbitmq.log.
      RABBITMQ_LOGS: '-',
    },
    logPath: join(options.logsDir, `${broker.name}.log`),
  };
  return { epmd: epmdSpec, server };
}
