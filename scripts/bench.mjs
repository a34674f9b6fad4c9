// Benchmark: wall time of `polytrace check` cold (an empty polytrace build
// cache, so the Collector and every service are built) and warm (cache
// reused), and the peak memory (summed RSS) of the whole chain while it runs.
// Prints figures; asserts nothing. Usage:
//   npm run bench -- [--runtime local|docker] [--warm-runs N] [--skip-cold]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'local' },
    'warm-runs': { type: 'string', default: '3' },
    'skip-cold': { type: 'boolean', default: false },
    // Also empty the package managers' caches (in a temp folder, the machine's own stay untouched):
    // the first run on a fresh machine, downloads included.
    'fresh-machine': { type: 'boolean', default: false },
  },
});

// Processes of the chain, by what their command line holds (local runtime).
const markers = ['otelcol-polytrace', 'auth-service.jar', 'instrumentation.js app.js', '/api-gateway', 'venv/bin/python app.py'];

function rssOfChainKiB() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!markers.some((m) => cmdline.includes(m))) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) total += Number(rss[1]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

/** Summed memory of polytrace's containers, from `docker stats` (docker runtime). */
function dockerMemoryKiB() {
  return new Promise((resolve) => {
    execFile('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}'], (error, stdout) => {
      if (error) return resolve(0);
      const units = { B: 1 / 1024, KiB: 1, MiB: 1024, GiB: 1024 * 1024, kB: 1, MB: 1000, GB: 1e6 };
      let total = 0;
      for (const line of stdout.split('\n')) {
        const m = /^(\S+) ([\d.]+)(\w+) \//.exec(line);
        if (m && units[m[3]]) total += Number(m[2]) * units[m[3]];
      }
      resolve(total);
    });
  });
}

async function run(label, env) {
  const started = Date.now();
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const now = values.runtime === 'docker' ? await dockerMemoryKiB() : rssOfChainKiB();
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, values.runtime === 'docker' ? 1000 : 200));
    }
  })();
  const child = spawn('node', ['bin/polytrace.js', 'check', '--runtime', values.runtime, '--json', '--out-dir', join(tmpdir(), 'polytrace-bench')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  sampling = false;
  await sampler;
  const seconds = (Date.now() - started) / 1000;
  const ok = code === 0 && JSON.parse(stdout).ok === true;
  console.log(`${label.padEnd(6)} ${seconds.toFixed(1).padStart(6)} s   peak chain memory ${(peak / 1024).toFixed(0).padStart(5)} MiB   ${ok ? 'verified' : `FAILED (exit ${code})`}`);
  return { seconds, peakMiB: peak / 1024, ok };
}

console.log(`polytrace check --runtime ${values.runtime}: wall time and peak memory of the Collector and the four services (${values.runtime === 'docker' ? 'docker stats, summed' : 'summed RSS from /proc'})`);
if (!values['skip-cold']) {
  const cache = mkdtempSync(join(tmpdir(), 'polytrace-cold-cache-'));
  // Cold: nothing of polytrace's is built. Without --fresh-machine the package managers'
  // own caches (Go modules and build cache, ~/.m2, pip, npm) stay as they are.
  const fresh = values['fresh-machine']
    ? {
        GOMODCACHE: join(cache, 'gomod'),
        GOCACHE: join(cache, 'gocache'),
        MAVEN_OPTS: `-Dmaven.repo.local=${join(cache, 'm2')}`,
        PIP_NO_CACHE_DIR: '1',
        npm_config_cache: join(cache, 'npm'),
      }
    : {};
  await run(values['fresh-machine'] ? 'fresh' : 'cold', { POLYTRACE_CACHE_DIR: cache, ...fresh });
  // Go marks its module cache read-only; make it removable first.
  execFile('chmod', ['-R', 'u+w', cache], () => rmSync(cache, { recursive: true, force: true }));
}
const warm = [];
for (let i = 0; i < Number(values['warm-runs']); i++) warm.push(await run('warm', {}));
const times = warm.map((w) => w.seconds).sort((a, b) => a - b);
if (times.length > 0) console.log(`warm median ${times[Math.floor(times.length / 2)].toFixed(1)} s over ${times.length} runs`);
