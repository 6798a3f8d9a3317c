import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The floors of src, lowest first: a folder imports only folders below it (so no import runs up and no folders
 * form a cycle), and only through their index.ts. README "How it works" names the same folders.
 */
const FLOORS = [
  'clock',
  'cron',
  'events',
  'workflows',
  'engine',
  'projections',
  'workflow-scheduler',
  'refresh/flink',
  'refresh/warehouse',
  'refresh/operations',
  'refresh/manager',
  'refresh/backfill',
  'refresh',
  'archive',
  'flink-gateway-client',
  'runtime',
  'console',
  'api',
  'cli',
  '.',
];

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.(ts|js)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/** The floor a file of src belongs to: the deepest floor folder that holds it. */
function floorOf(file: string): string {
  const rel = relative(SRC, file).split('\\').join('/');
  const folders = FLOORS.filter((f) => f === '.' || rel.startsWith(`${f}/`));
  return folders.sort((a, b) => b.length - a.length)[0] ?? '.';
}

const imports = sources(SRC).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
    const target = normalize(join(dirname(file), m[1]!));
    return { file: relative(SRC, file), target: relative(SRC, target), from: floorOf(file), to: floorOf(target) };
  }),
);

describe('the floors of src', () => {
  it('every file lives in a named floor', () => {
    const unnamed = sources(SRC).filter((f) => floorOf(f) === '.' && relative(SRC, f) !== 'index.ts');
    expect(unnamed.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no import runs up the floors (hence no folder cycle)', () => {
    const up = imports.filter((i) => FLOORS.indexOf(i.to) > FLOORS.indexOf(i.from));
    expect(up.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it("a folder imports another only through that folder's index.ts", () => {
    const around = imports.filter((i) => i.from !== i.to && !i.target.endsWith('index.ts'));
    expect(around.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });
});
