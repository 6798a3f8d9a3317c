import { SingleBar } from 'cli-progress';
import { type LogCheck, type LoadedReadModel, type ReadModelLocation, ReadModelUnreadable, rebuildWorkflows, verifyLog, verifyReadModel } from '../projections/index.ts';
import { discardRefreshModel, openEventStore, storeKindOf } from '../runtime/index.ts';
import { archiveDir, verifyArchives, withArchives } from '../archive/index.ts';
import { CliError } from './client.ts';
import { type ReplaySource, replaySource, type SourceOptions } from './replay-source.ts';

export interface ReplayOptions {
  dataDir: string;
  store: string;
  dataDirFrom: SourceOptions['dataDirFrom'];
  verify?: boolean;
  rebuild?: boolean;
  json?: boolean;
}

const MARK: Record<LogCheck['outcome'], string> = { ok: '✓', failed: '✗', 'not checked': '–' };
const out = (text: string): boolean => process.stdout.write(`${text}\n`);

export async function runReplay(o: ReplayOptions): Promise<void> {
  if (o.verify && o.rebuild) throw new CliError('--verify checks the saved read model and --rebuild replaces it: give one of them.', 2);
  const source = replaySource({ ...o, readOnly: !o.rebuild });
  const raw = openEventStore(o.store, o.dataDir);
  try {
    // Archived history is part of the log: verify checks the archives first, then reads the log through them.
    const archives = source.kind === 'sqlite' ? await verifyArchives(raw, archiveDir(o.dataDir)) : undefined;
    const throughArchives = archives !== undefined && archives.records > 0 && archives.outcome === 'ok';
    const store = throughArchives ? withArchives(raw, archiveDir(o.dataDir)) : raw;
    // Through the archives every position must be there: a gap is an event neither the log nor an archive holds.
    const traits = throughArchives ? { ...source.traits, positions: 'gapless' as const } : source.traits;
    if (!o.verify && archives?.outcome === 'failed') throw new CliError(`The archives cannot be read back, so a rebuild would miss history: ${archives.problems.join('; ')} (freshet replay --verify lists every problem).`, 1);
    const head = await store.headPosition();
    const bar = process.stderr.isTTY && head > 50_000 ? new SingleBar({ format: 'replaying {bar} {percentage}% | {value}/{total} positions | ETA {eta}s' }) : undefined;
    bar?.start(head, 0);
    const t0 = performance.now();
    const seconds = (): number => Number(((performance.now() - t0) / 1000).toFixed(2));
    if (o.verify) {
      // The saved model is read first, so the log read below reaches at least its checkpoint even while freshet runs.
      const saved = await loadSaved(source);
      const verified = await verifyLog(store, traits, (position) => bar?.update(position));
      bar?.stop();
      const readModel =
        saved.kind === 'check'
          ? saved.check
          : verified.complete
            ? await verifyReadModel(store, saved.loaded, verified, saved.where)
            : notChecked(`the log could not be read past position ${verified.position}, so there is nothing sound to compare ${saved.where.readModel} with`);
      report(source, [...(archives ? [{ name: archives.name, outcome: archives.outcome, detail: archives.detail, problems: archives.problems }] : []), ...verified.checks, readModel], { events: verified.events, workflows: verified.rows.size, position: verified.position, seconds: seconds() }, !!o.json);
      return;
    }
    const rebuilt = await rebuildWorkflows(store, (position) => bar?.update(position), source.log);
    bar?.stop();
    const summary = { log: source.log, events: rebuilt.events, workflows: rebuilt.rows.size, position: rebuilt.position, seconds: seconds() };
    if (!o.rebuild) {
      out(o.json ? JSON.stringify(summary) : `Rebuilt ${summary.workflows} workflow(s) from ${summary.events} event(s) of ${source.log} in ${summary.seconds}s (nothing saved; --rebuild saves it as the read model).`);
      return;
    }
    if (!source.readModel) throw new CliError(`Nothing to replace: ${source.noReadModel}.`, 2);
    const persistence = source.readModel();
    try {
      await persistence.load(); // opens it; a file that cannot be read is moved aside here, as at freshet's start
      await persistence.replace(rebuilt.checkpoint, rebuilt.rows);
    } finally {
      await persistence.close();
    }
    for (const notice of persistence.notices) process.stderr.write(`freshet: ${notice}\n`);
    // The refresh read model is rebuilt from the same log at the next start, so it cannot disagree with this one.
    if (storeKindOf(o.store) === 'sqlite' && discardRefreshModel(o.dataDir)) process.stderr.write('freshet: the refresh read model (refresh.sqlite) was discarded; the next start rebuilds it from the event log.\n');
    const saved = { ...summary, readModel: persistence.location.readModel, checkpoint: rebuilt.checkpoint.position };
    out(o.json ? JSON.stringify(saved) : `Rebuilt ${saved.workflows} workflow(s) from ${saved.events} event(s) of ${source.log} and saved them as the read model ${saved.readModel} (checkpoint ${saved.checkpoint}, ${saved.seconds}s).`);
  } finally {
    await raw.close();
  }
}

const notChecked = (detail: string): LogCheck => ({ name: 'read model', outcome: 'not checked', detail, problems: [] });

type Saved = { kind: 'loaded'; loaded: LoadedReadModel; where: ReadModelLocation } | { kind: 'check'; check: LogCheck };

/** The saved read model, or the check that says why there is none to compare (absent, unreadable). */
async function loadSaved(source: ReplaySource): Promise<Saved> {
  if (!source.readModel) return { kind: 'check', check: notChecked(source.noReadModel ?? 'no read model') };
  const persistence = source.readModel();
  try {
    return { kind: 'loaded', loaded: await persistence.load(), where: persistence.location };
  } catch (error) {
    if (!(error instanceof ReadModelUnreadable)) throw error;
    const detail = `${persistence.location.readModel} cannot be read (${error.message}); freshet moves it aside and rebuilds it at its next start`;
    return { kind: 'check', check: { name: 'read model', outcome: 'failed', detail, problems: [] } };
  } finally {
    await persistence.close();
  }
}

function report(source: ReplaySource, checks: LogCheck[], totals: { events: number; workflows: number; position: number; seconds: number }, json: boolean): void {
  const failed = checks.filter((c) => c.outcome === 'failed');
  const skipped = checks.filter((c) => c.outcome === 'not checked').length;
  if (failed.length > 0) process.exitCode = 1;
  if (json) {
    out(JSON.stringify({ ok: failed.length === 0, log: source.log, ...totals, checks }));
    return;
  }
  const counted = `${checks.length - failed.length - skipped} of ${checks.length} checks passed${skipped > 0 ? `, ${skipped} not checked` : ''}`;
  out(`${failed.length === 0 ? 'OK' : 'FAILED'}: ${counted} (${source.log}: ${totals.events} event(s), ${totals.workflows} workflow(s), ${totals.seconds}s).`);
  for (const c of checks) {
    out(`  ${MARK[c.outcome]} ${c.name}: ${c.detail}`);
    for (const p of c.problems) out(`      ${p}`);
  }
}
