// Bundles the live page's script (src/live/page/, TypeScript with the DOM's
// types) into one file, dist/live/page.js, which the CLI serves as /page.js:
// nothing loads from a CDN. Run after tsc by `npm run build`, `npm pack` and
// scripts/setup.mjs. esbuild only strips the types: `npm test` type-checks
// the page with src/live/page/tsconfig.json.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [join(root, 'src', 'live', 'page', 'main.ts')],
  outfile: join(root, 'dist', 'live', 'page.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
