// Bundles the browser scripts of src/live/page/ (TypeScript with the DOM's
// types), each into one file: the live page's (main.ts) into
// dist/live/page.js, which the CLI serves as /page.js, and the room board's
// (room.ts) into dist/live/room.js, served as /room.js. Nothing loads from a
// CDN. Run after tsc by `npm run build`, `npm pack` and scripts/setup.mjs. esbuild only strips the types: `npm test` type-checks
// both with src/live/page/tsconfig.json.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: {
    page: join(root, 'src', 'live', 'page', 'main.ts'),
    room: join(root, 'src', 'live', 'page', 'room.ts'),
  },
  outdir: join(root, 'dist', 'live'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
