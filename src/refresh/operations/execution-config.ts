import { durationMs } from '../../clock/index.ts';
import { FlinkValidationError } from '../flink/index.ts';

/** Option read for a refresh's timeout (freshet's own key; Flink has no per-job timeout option). */
export const TIMEOUT_OPTION = 'freshet.refresh.timeout';
/** Flink's keys whose value becomes DuckDB's `threads` (the first one set wins, in this order). */
export const PARALLELISM_OPTIONS = ['table.exec.resource.default-parallelism', 'parallelism.default'] as const;

export interface RefreshResources {
  threads: number | null;
  timeoutMs: number | null;
}

/**
 * What an execution config means for DuckDB: parallelism → threads (Flink's -1 means "default": unset), and
 * `freshet.refresh.timeout` (Flink duration syntax: `90 s`, `5 min`, or milliseconds) → a timeout. Every other key
 * is only recorded with the operation.
 */
export function resourcesOf(config: Readonly<Record<string, string>>): RefreshResources {
  let threads: number | null = null;
  for (const key of PARALLELISM_OPTIONS) {
    const raw = config[key];
    if (raw === undefined) continue;
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || (n < 1 && n !== -1)) {
      throw new FlinkValidationError(`Could not parse value '${raw}' for key '${key}': expected a positive integer (or -1 for the default).`);
    }
    threads = n === -1 ? null : n;
    break;
  }
  const rawTimeout = config[TIMEOUT_OPTION];
  let timeoutMs: number | null = null;
  if (rawTimeout !== undefined) {
    timeoutMs = durationMs(rawTimeout) ?? 0;
    if (timeoutMs === 0) {
      throw new FlinkValidationError(
        `Could not parse value '${rawTimeout}' for key '${TIMEOUT_OPTION}': expected a positive duration such as '90 s', '5 min' or '1 h'.`,
      );
    }
  }
  return { threads, timeoutMs };
}
