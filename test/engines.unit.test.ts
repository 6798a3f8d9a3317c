/**
 * Defect 14 of issue 11: `npm ci` warned EBADENGINE (content-disposition 3, cookie 2 need Node ≥ 22; package.json
 * declares ≥ 20). Every installed package must accept the Node we declare: the lock file is what `npm ci` installs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const declared = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };

/** The lowest major a `>=N` (or `^N`, `N.x`) range admits; ranges of other shapes are read as admitting anything. */
const floor = (range: string): number => Math.max(0, ...[...range.matchAll(/(?:>=|\^|~|^)\s*(\d+)/g)].map((m) => Number(m[1])).filter((n) => n < 100));

describe('package engines', () => {
  it(`every locked package accepts Node ${declared}`, () => {
    const ours = floor(declared);
    expect(ours).toBe(20);
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines !== undefined && !Array.isArray(p.engines) && typeof p.engines.node === 'string')
      .filter(([, p]) => {
        const node = (p.engines as { node: string }).node;
        // Only lower bounds matter here ("need Node ≥ 22"); `||` alternatives are satisfied if any admits 20.
        return node.split('||').every((alt) => floor(alt.trim()) > ours);
      })
      .map(([path, p]) => `${path}@${p.version} (node ${(p.engines as { node: string }).node})`);
    expect(refusing).toEqual([]);
  });
});
