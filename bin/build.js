#!/usr/bin/env node
// @ts-check
// Compiles src to dist (plain JavaScript: a start without the TypeScript loader takes half the time) and copies
// the SQL files beside it. Skipped when dist is already built from the current sources.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './source-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const stampFile = join(dist, '.source-stamp');
const stamp = String(newestMtime(src));
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && !process.argv.includes('--force')) process.exit(0);

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'bin/build.tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(src, dist, { recursive: true, filter: (from) => !/\.(ts|js)$/.test(from) });
writeFileSync(stampFile, stamp);
