// The command line: flags and help only. Each command is a plain function in
// src/commands/; the core under src/ never prints or exits.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { cleanCommand } from './commands/clean.js';
import { conformanceCommand } from './commands/conformance.js';
import { doctorCommand } from './commands/doctor.js';
import {
  labHintCommand,
  labListCommand,
  labRewriteCommand,
  labStartCommand,
  labStatusCommand,
} from './commands/lab.js';
import { matrixCommand } from './commands/matrix.js';
import { imagesLoadCommand, imagesPrepareCommand, imagesSaveCommand } from './commands/images.js';
import { runtimeChoices } from './commands/options.js';
import { packCommand, unpackCommand } from './commands/pack.js';
import type { PackRuntime } from './core/pack.js';
import { roomCommand } from './commands/room.js';
import { scenariosCommand } from './commands/scenarios.js';
import { upCommand } from './commands/up.js';
import { viewCommand } from './commands/view.js';
import { exitCodes, PolytraceError } from './common/errors.js';
import { chainBaseKinds } from './topology/base-images.js';
import { client } from './topology/chain.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\npolytrace ▸ ${signal}: stopping everything polytrace started (again to force)…\n`);
      controller.abort();
    } else {
      // The exit guard kills the chain's processes on the way out.
      process.exit(exitCodes.interrupted);
    }
  });
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `--runtime` as help shows it. A command that runs the chain as local processes only (`localOnly`
 * says why) offers auto and local; docker still parses, so that the command's own usage error
 * says why it is refused.
 */
function runtimeOption(localOnly?: string): Option {
  if (!localOnly) {
    return new Option(
      '--runtime <runtime>',
      'where the chain runs: docker when an engine answers, else local processes',
    )
      .choices([...runtimeChoices])
      .default('auto');
  }
  const offered = runtimeChoices.filter((choice) => choice !== 'docker');
  return new Option(
    '--runtime <runtime>',
    `local processes (auto means local here): ${localOnly} (choices: ${offered.map((c) => `"${c}"`).join(', ')})`,
  )
    .argParser((value) => {
      if ((runtimeChoices as readonly string[]).includes(value)) return value;
      throw new InvalidArgumentError(`Allowed choices are ${offered.join(', ')}.`);
    })
    .default('auto');
}

function chainFlags(command: Command, localOnly?: string): Command {
  return command
    .addOption(runtimeOption(localOnly))
    .option('--scenario <name>', 'what to run: see `polytrace scenarios`', 'happy')
    .option(
      '--port <name=port>',
      'move one port, e.g. api-gateway=9080 or otel-collector.grpc=14317 (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--base-image <kind=image>',
        `docker runtime: build on this base image instead of the default, e.g. to pin a digest: golang=golang:1.26-bookworm@sha256:… (kinds: ${chainBaseKinds.join(', ')}; repeatable)`,
      )
        .argParser(collect)
        .default([])
        // Only the docker runtime builds on base images: a local-only command does not offer it.
        .hideHelp(localOnly !== undefined),
    )
    .option(
      '--clock-skew <service=seconds>',
      "set one service's clock off by this many seconds (libfaketime; not the Go gateway), e.g. order-service=2: the verdict must not change",
    )
    .option(
      '--links',
      'with a scenario through RabbitMQ (async): the consumer starts a new trace with a span link to the producer, instead of a child span',
    )
    .option('--out-dir <dir>', "parent folder of each run's folder (logs, spans.jsonl)", '.polytrace/runs')
    .option(
      '--sdk <language=version>',
      'build that OpenTelemetry line at another version, with the companions its registry pairs with it, e.g. go=1.41.0 or java=2.25.0 (languages: go, java, python, nodejs, collector; repeatable; either runtime: auto means local, where the directions between the languages are tried too)',
      collect,
      [],
    );
}

function livePageFlags(command: Command): Command {
  return command
    .option('--ui-port <port>', 'port of the live page on 127.0.0.1 (default: any free port)')
    .option('--open', 'open the live page in a browser, where there is one');
}

const program = new Command('polytrace')
  .description(
    'Spin up a polyglot trace chain (Go, Java, Python, Node + the OpenTelemetry Collector) and prove that one W3C traceparent links every span.',
  )
  .version(client.version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

chainFlags(
  program
    .command('check')
    .description(
      'start the chain, fire requests, verify every trace, stop. Exit 0 verified, 1 a check failed, 2 usage, 3 environment',
    )
    .option('-n, --requests <count>', 'requests to fire at the gateway (default: 3; 5 for sampling-mismatch)')
    .option('--repeat <rounds>', 'fire the requests this many rounds, to flush out flakiness', '1')
    .option('--expect-broken', "exit 0 only when the scenario's break is found and explained as its cause (for CI)")
    .option(
      '--directions',
      "also try every direction between the chain's languages: each SDK's root and child traceparent handed to each other SDK (on with --sdk, except with --runtime docker; local runtime)",
    )
    .option('--json', 'print one JSON document on stdout (progress stays on stderr)')
    .option('--html <file>', 'also write a self-contained HTML report (waterfalls, checks, dependency map)')
    .option('--junit <file>', 'also write JUnit XML: one test case per check per trace'),
).action(async (flags) => {
  process.exitCode = await checkCommand(flags, controller.signal);
});

livePageFlags(
  chainFlags(
    program
      .command('up')
      .description(
        'start the chain, show one verified trace, then keep running and show every new trace until Ctrl-C; a live page on 127.0.0.1 shows them too, with buttons that send requests and switch scenarios',
      )
      .option(
        '--conformance',
        'turn on POST /w3c/test in every service, the test-service endpoint of the W3C Trace Context test suite (loopback URLs only)',
      ),
  ),
).action(async (flags) => {
  process.exitCode = await upCommand(flags, controller.signal);
});

livePageFlags(
  program
    .command('view <run>')
    .description(
      'open a past run (its folder, or its spans.jsonl, e.g. from a CI artifact) in the live page, read-only: every trace verified again from the spans, until Ctrl-C',
    ),
).action(async (run: string, flags) => {
  process.exitCode = await viewCommand(run, flags, controller.signal);
});

chainFlags(
  program
    .command('conformance')
    .description(
      "probe each service's W3C Trace Context handling (Level 1: traceparent, tracestate, the processing model) through its POST /w3c/test endpoint, and show the verdict per case and language. Starts the chain as local processes with the endpoints on, unless --running. Exit 0 when the probe ran (a failed case is the SDK's behaviour, reported), 2 usage, 3 it could not run",
    )
    .option(
      '--running',
      'probe a chain `polytrace up --conformance` already runs, on 127.0.0.1 at the default ports or those --port gives (its SDKs are then unknown)',
    )
    .option(
      '--json',
      'print one JSON document on stdout: per service, each case with its id, spec section, ok and message',
    )
    .option('--junit <file>', 'also write JUnit XML: one test case per case per service'),
  "each service's W3C endpoint calls back loopback URLs only, which a container cannot reach",
).action(async (flags, command: Command) => {
  process.exitCode = await conformanceCommand(
    flags,
    controller.signal,
    (flag) => command.getOptionValueSource(flag) === 'cli',
  );
});

program
  .command('bench')
  .description(
    "measure what each language's instrumentation costs: the chain under load with every SDK on, every SDK off, and each one off alone (each the way its language turns it off), interleaved in rounds; latency, throughput, memory and CPU per service, spans lost. Local runtime only (it reads each process from /proc). Exit 0 when complete with no span lost, 1 otherwise, 2 usage, 3 environment",
  )
  .addOption(
    new Option(
      '--runtime <runtime>',
      'local processes (auto means local here; docker is refused); with --timeline, auto times both runtimes',
    )
      .choices([...runtimeChoices])
      .default('auto'),
  )
  .option('-n, --requests <count>', 'measured requests per configuration and round', '1000')
  .option('-c, --concurrency <count>', 'requests in flight at once', '16')
  .option('--rounds <count>', 'rounds; each runs every configuration once, restarting the chain for each', '3')
  .option('--warmup <count>', 'requests before the measured ones in each run, not measured', '100')
  .option('--time-limit <seconds>', 'start no configuration and no request after this many seconds', '900')
  .option(
    '--port <name=port>',
    'move one port, e.g. api-gateway=9080 or otel-collector.grpc=14317 (repeatable; the others are picked free)',
    collect,
    [],
  )
  .option('--out-dir <dir>', "parent folder of each run's folder (logs, spans.jsonl)", '.polytrace/runs')
  .option(
    '--sdk <language=version>',
    'build that OpenTelemetry line at another version, with the companions its registry pairs with it, e.g. go=1.41.0 or java=2.25.0 (languages: go, java, python, nodejs, collector; repeatable; either runtime: auto means local, where the directions between the languages are tried too)',
    collect,
    [],
  )
  .option(
    '--json',
    'print one JSON document on stdout: per configuration, per language, per run (progress stays on stderr)',
  )
  .option(
    '--timeline',
    "instead: time the phases of a warm `check` of one request (preflight, build check, each start, requests, spans, verify, teardown), --runs times per runtime (auto: local, then docker), medians; and each component's memory once the verdict is in",
  )
  .option('--runs <count>', 'checks per runtime, with --timeline', '3')
  .option(
    '--scenario <name>',
    'the scenario each timed check runs, with --timeline (default happy; `polytrace scenarios` lists them)',
  )
  .action(async (flags, command: Command) => {
    process.exitCode = await benchCommand(
      flags,
      controller.signal,
      (flag) => command.getOptionValueSource(flag) === 'cli',
    );
  });

program
  .command('matrix')
  .description(
    'check several sets of OpenTelemetry versions, one cell after another (local runtime): each cell a whole check with its own versions, its verdict pass, broken or error, and where a broken one broke. Exit 0 when every cell did what it was expected to do, 1 otherwise, 2 usage, 130 interrupted',
  )
  .option(
    '--sdk <language=versions>',
    'versions of one line, comma-separated, e.g. java=2.25.0,2.26.0; every combination of the lines named is a cell, the others keep their defaults (languages: go, java, python, nodejs, collector; repeatable)',
    collect,
    [],
  )
  .option(
    '--cells <file>',
    'the cells from a JSON file instead: {"cells": [{"sdk": {"java": "2.26.0"}, "expect": "broken", "why": "…"}]}',
  )
  .option(
    '--expect <file>',
    'what cells are expected to do, in the cells file form: an entry applies to each cell with all the versions it names; a cell no entry matches is expected to pass',
  )
  .option(
    '--github-matrix',
    "print the cells as a GitHub Actions strategy.matrix (JSON, `include` entries with each cell's flags and expectation) and run nothing",
  )
  .addOption(
    new Option('--runtime <runtime>', 'local processes (auto means local here): only they build other versions so far')
      .choices(runtimeChoices.filter((choice) => choice !== 'docker'))
      .default('auto'),
  )
  .option('-n, --requests <count>', 'requests per cell', '1')
  .option(
    '--port <name=port>',
    'move one port for every cell, e.g. api-gateway=9080 (repeatable; the others are picked free)',
    collect,
    [],
  )
  .option('--out-dir <dir>', "parent folder of each cell's run folder (logs, spans.jsonl)", '.polytrace/runs')
  .option('--json', 'print one JSON document on stdout: every cell with its verdict (progress stays on stderr)')
  .option('--html <file>', 'also write the matrix as a self-contained HTML page')
  .option('--junit <file>', 'also write JUnit XML: one test case per cell')
  .action(async (flags) => {
    process.exitCode = await matrixCommand(flags, controller.signal);
  });

program
  .command('doctor')
  .description('check toolchains, ports and the Docker engine, and say how to fix what is missing')
  .option('--port <name=port>', 'check a moved port instead, e.g. api-gateway=9080 (repeatable)', collect, [])
  .action(async (flags) => {
    process.exitCode = await doctorCommand(flags);
  });

const images = program
  .command('images')
  .description(
    "the docker runtime's images where no registry can be reached: prepare them here, or carry them on a file",
  );
images
  .command('prepare')
  .description(
    "make local base images (a debootstrapped Debian + this machine's Go, JDK, Maven, Python, Node) and build the chain's images on them",
  )
  .option('--force', 'make the base images again even when they are there')
  .action(async (flags) => {
    process.exitCode = await imagesPrepareCommand(flags, controller.signal);
  });
images
  .command('save <file>')
  .description('write every polytrace image to one file (gzipped when it ends in .gz), for a machine with no network')
  .action(async (file: string) => {
    process.exitCode = await imagesSaveCommand(file, controller.signal);
  });
images
  .command('load <file>')
  .description('load the images `polytrace images save` wrote')
  .action(async (file: string) => {
    process.exitCode = await imagesLoadCommand(file, controller.signal);
  });

program
  .command('pack <file>')
  .description(
    "write one file with everything a first run downloads, for a machine with no network: for the local runtime, every package (Go modules, Maven artifacts and the Java agent, Python wheels, npm packages, polytrace's own), collected by building the chain once; for docker, the chain's images (built if missing) and the base images they were built on",
  )
  .addOption(
    new Option('--runtime <runtime>', 'what the pack is for: local packages, docker images, or both')
      .choices(['local', 'docker', 'both'])
      .default('local'),
  )
  .option(
    '--sdk <language=version>',
    'pack for that OpenTelemetry line at another version, as `check --sdk` builds it (repeatable; local runtime); unpacked, `check` with the same --sdk flags resolves and builds it with no network',
    collect,
    [],
  )
  .action(async (file: string, flags: { runtime: PackRuntime; sdk: string[] }) => {
    process.exitCode = await packCommand(file, flags, controller.signal);
  });
program
  .command('unpack <file>')
  .description(
    "check every item of a pack, then load its images into the Docker engine and put its packages in polytrace's cache: from then on the local runtime builds with no network, and the docker runtime builds and pulls nothing. Exit 4 damaged, 5 made for another platform or version, 6 disk full",
  )
  .action(async (file: string) => {
    process.exitCode = await unpackCommand(file, controller.signal);
  });

program
  .command('clean')
  .description("remove the containers and networks that crashed or killed runs left (found by polytrace's labels)")
  .option('--images', "also remove the chain's images, a pinned --sdk set's too (rebuilt by the next docker run)")
  .option('--all', 'also remove the base images `images prepare` made')
  .option('--force', 'also remove those of runs that are still going')
  .action(async (flags) => {
    process.exitCode = await cleanCommand(flags);
  });

const workspaceOption = () =>
  new Option('--workspace <dir>', "the attendee's folder: one copy of a service per exercise").default('polytrace-lab');
const lab = program
  .command('lab')
  .description(
    'hands-on exercises: a real code mistake in one service, fixed in your own copy and verified from the trace. Without a subcommand: list them',
  )
  .option('--json', 'print the exercises as JSON: id, language, service, title')
  .action((flags) => {
    process.exitCode = labListCommand(flags);
  });
lab
  .command('start <exercise>')
  .description(
    "copy the exercise's service into the workspace with the mistake in place, start the chain with that copy, show the broken trace; then every save rebuilds that service and verifies a new request, until Ctrl-C. Exit 0 when stopped, 2 usage, 3 environment (a workspace that does not build: the toolchain's error)",
  )
  .addOption(workspaceOption())
  .addOption(runtimeOption())
  .option(
    '--port <name=port>',
    'move one port, e.g. api-gateway=9080 or otel-collector.grpc=14317 (repeatable)',
    collect,
    [],
  )
  .option('--out-dir <dir>', "parent folder of each run's folder (logs, spans.jsonl)", '.polytrace/runs')
  .option(
    '--room <url>',
    'the URL `polytrace room` printed: each verdict (exercise, state, hop; never code) goes to the board',
  )
  .option('--name <name>', "your name on the room's board (up to 40 letters, digits, spaces or . _ ' -)")
  .option(
    '--ui',
    'also serve the live page in lab mode: the exercise, its hops, every trace, and buttons for hint, reset and solve',
  )
  .option('--ui-port <port>', 'the lab page on this port (any free one by default); implies --ui')
  .option('--open', 'open the lab page in a browser, where there is one; implies --ui')
  .action(async (exercise: string, flags) => {
    process.exitCode = await labStartCommand(exercise, flags, controller.signal);
  });
lab
  .command('hint <exercise>')
  .description('the next hint of an exercise, from vague to exact')
  .addOption(workspaceOption())
  .action(async (exercise: string, flags) => {
    process.exitCode = await labHintCommand(exercise, flags);
  });
lab
  .command('status')
  .description('each exercise: not started, broken at which hop, or fixed (kept in the workspace)')
  .addOption(workspaceOption())
  .option('--json', 'print the progress as JSON')
  .option('--room <url>', 'also send the progress (states and hops only) to the room at this URL')
  .option('--name <name>', "your name on the room's board")
  // `lab` has a --json of its own: after `status`, the flag is still read as status's.
  .action(async (_flags, command: Command) => {
    process.exitCode = await labStatusCommand(command.optsWithGlobals());
  });
lab
  .command('reset <exercise>')
  .description('put the mistake back in your copy (your edits are moved to a backup folder first)')
  .addOption(workspaceOption())
  .action(async (exercise: string, flags) => {
    process.exitCode = await labRewriteCommand(exercise, flags, 'mistake');
  });
lab
  .command('solve <exercise>')
  .description('write the reference fix into your copy, to catch up (your edits are moved to a backup folder first)')
  .addOption(workspaceOption())
  .action(async (exercise: string, flags) => {
    process.exitCode = await labRewriteCommand(exercise, flags, 'solution');
  });

program
  .command('room')
  .description(
    "serve the presenter's board of a room's labs: attendee × exercise, not started, broken at which hop, fixed. Prints the URL with the room's token; Ctrl-C stops (exit 130)",
  )
  .option('--port <port>', 'the port to listen on (0 picks a free one)', '4890')
  .option(
    '--listen <address>',
    "an address of this machine on the room's network (default: this machine only)",
    '127.0.0.1',
  )
  .action(async (flags) => {
    process.exitCode = await roomCommand(flags, controller.signal);
  });

program
  .command('scenarios')
  .description('list the scenarios, each with what you will see')
  .action(() => {
    process.exitCode = scenariosCommand();
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
// An interrupted command exits 130 whatever it returned (`up` and `view` end normally on Ctrl-C):
// the README promises it for every interrupt, and a script can tell a stop from a pass.
if (controller.signal.aborted) process.exitCode = exitCodes.interrupted;

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are not errors.
    return error.exitCode === 0 ? 0 : exitCodes.usage;
  }
  if (error instanceof PolytraceError) {
    process.stderr.write(`polytrace: ${error.message}\n`);
    if (error.detail) process.stderr.write(`${error.detail}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `polytrace: unexpected error (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return exitCodes.bug;
}
