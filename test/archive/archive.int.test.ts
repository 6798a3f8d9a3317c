import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDir, archiveHistory, type ArchiveResult, KEPT_TYPES, readArchive, retentionOf, verifyArchives, withArchives } from '../../src/archive/index.ts';
import type { RecordedEvent } from '../../src/events/index.ts';
import { loadWorkflow } from '../../src/engine/index.ts';
import { diffProjections, rebuildWorkflows, verifyLog } from '../../src/projections/index.ts';
import { rebuildRefreshViews, refreshEventProblem } from '../../src/refresh/index.ts';
import { workflowOf } from '../../bench/support/steady-workload.ts';
import { DAY, DAYS, type History, T0, writeHistory } from './archive-support.ts';

const plain = (e: RecordedEvent) => JSON.parse(JSON.stringify(e)) as RecordedEvent;

let h: History;
let before: RecordedEvent[];
let states: unknown[];
let workflowsBefore: Awaited<ReturnType<typeof rebuildWorkflows>>;
let refreshBefore: unknown;
let result: ArchiveResult;
let after: RecordedEvent[];

beforeAll(async () => {
  h = await writeHistory();
  before = await h.store.readAll();
  states = await Promise.all([0, 1, 2].map((i) => loadWorkflow(h.store, workflowOf(i))));
  workflowsBefore = await rebuildWorkflows(h.store);
  refreshBefore = await (await rebuildRefreshViews(h.store)).snapshot();
  result = await archiveHistory({ store: h.store, dataDir: h.dir, clock: h.clock, retention: retentionOf('7d'), logName: h.path, context: { actor: 'carol', reason: 'quarterly audit', correlationId: 'c-1' } });
  after = await h.store.readAll();
}, 120_000);

afterAll(async () => {
  await h?.store.close();
  if (h) rmSync(h.dir, { recursive: true, force: true });
});

describe('archiving under a 7-day retention (a real SQLite file, ten virtual days)', () => {
  const cutoff = () => T0 + DAYS * DAY + 60_000 - 7 * DAY;

  it('removes fire-level events and ended refreshes older than the cutoff, and records it as a HistoryArchived event', () => {
    const kept = new Set(after.map((e) => e.position));
    const removed = before.filter((e) => !kept.has(e.position));
    expect(removed.length).toBeGreaterThan(before.length / 3);
    expect(result.removed).toBe(removed.length);
    expect(result.record!.events).toBe(removed.length);
    for (const e of removed) {
      expect(Date.parse(e.recordedAt)).toBeLessThan(cutoff());
      expect(e.streamName.startsWith('operation-') || ['FireClaimed', 'OccurrenceFired', 'OccurrencesSkipped'].includes(e.type)).toBe(true);
    }
    // Nothing younger than the cutoff went.
    expect(before.filter((e) => Date.parse(e.recordedAt) >= cutoff()).every((e) => kept.has(e.position))).toBe(true);
    const record = after[after.length - 1]!;
    expect(record).toMatchObject({ streamName: 'freshet-history-archive', type: 'HistoryArchived', version: 1, metadata: { actor: 'carol', reason: 'quarterly audit' } });
    expect(record.data).toMatchObject({ file: result.record!.file, events: removed.length, cutoff: new Date(cutoff()).toISOString() });
  });

  it('keeps every command, and the ledger summary of what went is in the log', () => {
    const commands = before.filter((e) => KEPT_TYPES.includes(e.type));
    expect(commands.filter((e) => e.streamName.startsWith('workflow-')).map((e) => e.type)).toEqual(['WorkflowCreated', 'WorkflowCreated', 'WorkflowCreated', 'WorkflowSuspended', 'WorkflowResumed']);
    expect(commands.filter((e) => e.streamName.startsWith('mt-'))).toHaveLength(6);
    expect(after.filter((e) => KEPT_TYPES.includes(e.type) && e.type !== 'HistoryArchived').map(plain)).toEqual(commands.map(plain));
    const summary = result.record!.workflows.find((w) => w.workflowId === workflowOf(1))!;
    // Workflow 1 fired every hour; its fires of the first three days (to the cutoff) are archived, each claimed and fired.
    expect(summary.fired).toBe(summary.claimed);
    expect(summary.fired).toBeGreaterThanOrEqual(71);
    expect(summary.fromNominal).toBe(T0 + 3_600_000);
  });

  it('changes nothing the engine folds from the log: each workflow restores as before (workflow 2 keeps its failed fires)', async () => {
    const now = await Promise.all([0, 1, 2].map((i) => loadWorkflow(h.store, workflowOf(i))));
    expect(JSON.parse(JSON.stringify(now))).toEqual(JSON.parse(JSON.stringify(states)));
    expect((now[2]!.state as { failedFires?: number }).failedFires).toBe(3);
    // Its three failed fires stayed, the 33 fires before them went.
    const kept = after.filter((e) => e.streamName === `workflow-${workflowOf(2)}` && e.type === 'OccurrenceFired');
    expect(kept.map((e) => (e.data as { error?: string }).error)).toEqual(['connection refused', 'connection refused', 'connection refused']);
  });

  it('the archive file holds exactly the removed events, with a self-describing header', async () => {
    const kept = new Set(after.map((e) => e.position));
    const removed = before.filter((e) => !kept.has(e.position)).map(plain);
    const items = [];
    for await (const item of readArchive(join(archiveDir(h.dir), result.record!.file))) items.push(item);
    expect(items[0]).toMatchObject({ format: 'freshet-history-archive', formatVersion: 1, log: { name: h.path }, fromPosition: removed[0]!.position, toPosition: removed.at(-1)!.position, events: removed.length });
    expect(items.slice(1)).toEqual(removed);
  });

  it('verify passes on log + archive: the archive matches its record, and the log read through it has no gap', async () => {
    const archives = await verifyArchives(h.store, archiveDir(h.dir));
    expect(archives.outcome).toBe('ok');
    const verified = await verifyLog(withArchives(h.store, archiveDir(h.dir)), { log: h.path, checksums: true, positions: 'gapless', otherEventProblem: refreshEventProblem });
    expect(verified.checks.map((c) => [c.name, c.outcome])).toEqual([['checksums', 'ok'], ['positions', 'ok'], ['schemas', 'ok'], ['stream versions', 'ok']]);
    // The log alone has the gaps: what makes the archive necessary.
    const alone = await verifyLog(h.store, { log: h.path, checksums: true, positions: 'gapless' });
    expect(alone.checks.find((c) => c.name === 'positions')!.outcome).toBe('failed');
  });

  it('rebuilds every read model as it was: WorkflowInfo rows, and the refresh model (tables, summaries, history)', async () => {
    const history = withArchives(h.store, archiveDir(h.dir));
    const workflows = await rebuildWorkflows(history);
    expect(diffProjections(workflowsBefore.rows, workflows.rows)).toEqual([]);
    expect(await (await rebuildRefreshViews(history)).snapshot()).toEqual(refreshBefore);
    // Folding the log alone would lose the archived refreshes from the tables' histories.
    expect(await (await rebuildRefreshViews(h.store)).snapshot()).not.toEqual(refreshBefore);
  });

  it('a second run finds nothing new: no file, no event', async () => {
    const again = await archiveHistory({ store: h.store, dataDir: h.dir, clock: h.clock, retention: retentionOf('7d'), logName: h.path, context: { actor: 'carol', correlationId: 'c-2' } });
    expect(again.record).toBeUndefined();
    expect(again.removed).toBe(0);
    expect(await h.store.streamVersion('freshet-history-archive')).toBe(1);
  });

  it('verify fails on a tampered archive, naming the file', async () => {
    const file = join(archiveDir(h.dir), result.record!.file);
    const original = readFileSync(file);
    try {
      writeFileSync(file, gzipSync(gunzipSync(original).toString('utf8').replace('"rowsWritten":10', '"rowsWritten":11')));
      const archives = await verifyArchives(h.store, archiveDir(h.dir));
      expect(archives.outcome).toBe('failed');
      expect(archives.problems[0]).toContain(`${file} (HistoryArchived at position`);
      expect(archives.problems[0]).toContain('does not match the SHA-256');
    } finally {
      writeFileSync(file, original);
    }
  });
});
