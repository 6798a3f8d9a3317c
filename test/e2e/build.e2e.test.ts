import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const copy = mkdtempSync(join(tmpdir(), 'freshet-build-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The CLI as `npm start` runs it: compiled when dist matches src, from the sources otherwise. */
describe('the compiled build', () => {
  it('runs from dist once built, and from the sources again as soon as one is edited', () => {
    for (const d of ['src', 'bin']) cpSync(join(REPO, d), join(copy, d), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) cpSync(join(REPO, f), join(copy, f));
    // node_modules through a link: the copy resolves the same packages.
    spawnSync('ln', ['-s', join(REPO, 'node_modules'), join(copy, 'node_modules')]);
    const build = spawnSync(process.execPath, ['bin/build.js'], { cwd: copy, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(readFileSync(join(copy, 'dist/events/adapters/sqlite/sql/insert-event.sql'), 'utf8')).toMatch(/INSERT/i);

    // Which tree ran: a marker that only the compiled main prints.
    const main = join(copy, 'dist/cli/main.js');
    writeFileSync(main, `console.log('from dist');\n${readFileSync(main, 'utf8')}`);
    const run = () => spawnSync(process.execPath, ['bin/freshet.js', '--version'], { cwd: copy, encoding: 'utf8' });
    expect(run().stdout).toMatch(/^from dist\n\d+\.\d+\.\d+/);

    const edited = join(copy, 'src/cli/main.ts');
    const later = new Date(Date.now() + 60_000);
    utimesSync(edited, later, later);
    const fromSources = run();
    expect(fromSources.status).toBe(0);
    expect(fromSources.stdout).not.toMatch(/from dist/);
    expect(fromSources.stdout).toMatch(/^\d+\.\d+\.\d+/);
  }, 180_000);
});
