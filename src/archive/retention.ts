import { durationMs } from '../clock/index.ts';

/** How long fire-level history stays in the log: a default, and per workflow an override or `off` (keep it all). */
export interface Retention {
  /** Milliseconds; null = keep everything not overridden. */
  defaultMs: number | null;
  /** Workflow id → milliseconds, or null for `off`. */
  perWorkflow: ReadonlyMap<string, number | null>;
}

export const NO_RETENTION: Retention = { defaultMs: null, perWorkflow: new Map() };

/** A bad --retention / --retention-for value: the message says what to write instead. */
export class RetentionSpecError extends Error {
  override name = 'RetentionSpecError';
}

/** Shorter than this is refused: a retention of minutes would archive fires still settling their refreshes. */
export const MIN_RETENTION_MS = 3_600_000;

/** `7d`, `36h`, `off` (the duration syntax of Flink options: `24 h`, `1 d`…). */
export function parseRetention(text: string, option: string): number | null {
  if (text.trim() === 'off') return null;
  const ms = durationMs(text);
  if (ms === undefined || ms === 0) throw new RetentionSpecError(`${option} must be a duration such as 7d, 36h or 90 min (or off), got ${JSON.stringify(text)}.`);
  if (ms < MIN_RETENTION_MS) throw new RetentionSpecError(`${option} must be at least 1h (fires younger than that may still be settling), got ${JSON.stringify(text)}.`);
  return ms;
}

/** `<workflowId>=30d` or `<workflowId>=off`, each given once. */
export function retentionOf(defaultText: string | undefined, overrides: readonly string[] = []): Retention {
  const defaultMs = defaultText === undefined ? null : parseRetention(defaultText, '--retention');
  const perWorkflow = new Map<string, number | null>();
  for (const entry of overrides) {
    const at = entry.lastIndexOf('=');
    const id = at > 0 ? entry.slice(0, at).trim() : '';
    if (id === '') throw new RetentionSpecError(`--retention-for must be <workflowId>=<duration|off>, e.g. orders-hourly=30d, got ${JSON.stringify(entry)}.`);
    if (perWorkflow.has(id)) throw new RetentionSpecError(`--retention-for names workflow ${id} twice; give it once.`);
    perWorkflow.set(id, parseRetention(entry.slice(at + 1), `--retention-for ${id}`));
  }
  if (defaultMs === null && [...perWorkflow.values()].every((ms) => ms === null)) {
    throw new RetentionSpecError('Nothing to archive: give --retention <duration> (e.g. 7d), or --retention-for <workflowId>=<duration>.');
  }
  return { defaultMs, perWorkflow };
}

/** The instant before which a workflow's fire-level events may go (undefined: keep them all). */
export function cutoffFor(retention: Retention, workflowId: string | null, now: number): number | undefined {
  const ms = workflowId !== null && retention.perWorkflow.has(workflowId) ? retention.perWorkflow.get(workflowId)! : retention.defaultMs;
  return ms === null ? undefined : now - ms;
}

/** The policy as recorded in the HistoryArchived event (plain JSON). */
export const retentionRecord = (r: Retention): { defaultMs: number | null; perWorkflow: Record<string, number | null> } => ({ defaultMs: r.defaultMs, perWorkflow: Object.fromEntries(r.perWorkflow) });
