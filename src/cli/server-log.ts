import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import type { FreshetRuntime } from '../runtime/index.ts';
import { createDescriber, type LogEventView, STATE_CHANGE_TYPES } from './describe-event.ts';

export type LogFormat = 'pretty' | 'json';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * pino's destination for `--log-format pretty`: one line per record, "13:38:20.123 INFO  msg key=value". Hand-written
 * (twenty lines) rather than pino-pretty, whose transport runs in a worker thread with a dozen dependencies.
 */
export function prettyStream(write: (s: string) => void): { write(line: string): void } {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        write(line);
        return;
      }
      const { level, time, msg, pid: _pid, hostname: _host, ...rest } = record;
      const when = typeof time === 'number' ? DateTime.fromMillis(time).toFormat('HH:mm:ss.SSS') : '';
      const extra = Object.entries(rest).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
      write(`${when} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${extra}\n`);
    },
  };
}

/**
 * Logs every state change (workflow created, suspended, resumed, deleted; a table suspended by itself; a refresh
 * that failed for good) at info, as the readable line `events tail` prints. Its own child level, so the default
 * (warn) keeps request logs quiet while these still show. Returns the unsubscribe.
 */
export async function logStateChanges(runtime: FreshetRuntime, log: FastifyBaseLogger): Promise<() => void> {
  const state = log.child({}, { level: process.env.FRESHET_LOG_LEVEL ?? 'info' });
  const describe = createDescriber();
  const after = await runtime.store.headPosition();
  const subscription = runtime.store.subscribe({ after }).subscribe({
    next: (e) => {
      const line = describe(e as LogEventView); // every event: a refresh line needs its submission's partition
      if (line !== undefined && STATE_CHANGE_TYPES.includes(e.type)) state.info({ event: e.type, position: e.position }, line);
    },
    error: (error: unknown) => state.warn({ err: error }, 'state-change log stopped'),
  });
  return () => subscription.unsubscribe();
}
