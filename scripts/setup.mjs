// Runs before `npm start` and `npm test` (their pre-scripts), so a fresh
// clone needs nothing else: installs the CLI's dependencies when the lock
// file changed (a stamp in node_modules keeps the hash of the lock last
// installed), then compiles the TypeScript and bundles the live page's script
// (scripts/bundle-page.mjs). Only Node built-ins here: nothing else is
// installed yet when it runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = readFileSync(join(root, 'package-lock.json'));
const hash = createHash('sha256').update(lock).digest('hex');
const stamp = join(root, 'node_modules', '.polytrace-lock-hash');
const say = (message) => process.stderr.write(`polytrace setup ▸ ${message}\n`);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    say(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(3);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`polytrace needs Node.js 20.19 or newer, this is ${process.version}`);
  process.exit(3);
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
  say('installing the CLI dependencies (npm ci, from package-lock.json)…');
  // `npm ci`, not `npm install`: it installs exactly the lock and never rewrites it, so a
  // run leaves the checkout as it found it. The lock lists every platform's optional
  // packages (rollup's), which `npm ci` requires even where they are not installed.
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  writeFileSync(stamp, hash);
}
say('compiling the CLI (tsc)…');
run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']);
say("bundling the live page's script (esbuild)…");
run(process.execPath, [join(root, 'scripts', 'bundle-page.mjs')]);
