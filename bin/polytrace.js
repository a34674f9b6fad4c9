#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm start`, `npm test` and `npm run build` compile it.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('polytrace: not built yet: run `npm run build` (or `npm start`, which builds first)');
    process.exit(3);
  }
  throw error;
});
