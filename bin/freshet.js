#!/usr/bin/env node
// Runs the compiled sources (dist, built by `node bin/build.js`, which `npm start` runs first) when they were
// built from the current src; otherwise the TypeScript sources through tsx, so `npm ci` needs no build step and an
// edited source is never shadowed by a stale build.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './source-stamp.js';

let built = false;
try {
  built = readFileSync(new URL('../dist/.source-stamp', import.meta.url), 'utf8') === String(newestMtime(fileURLToPath(new URL('../src', import.meta.url))));
} catch {
  // not built
}
if (built) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
