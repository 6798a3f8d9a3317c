import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../events/index.ts';
import type { LogCheck } from '../projections/index.ts';
import { ArchiveUnreadableError, fileSha256, readArchive } from './archive-file.ts';
import { archiveCatalog } from './catalog.ts';
import { inRanges, rangesCount } from './history-archived.ts';

const SHOWN = 10;

/**
 * replay --verify's check of the archives, before the log is read through them: every HistoryArchived event names a
 * file that is there, whole (its SHA-256), readable (header, lines, the lines' own hash) and holding exactly the
 * positions the event says were removed. The log read through the archives (withArchives) must then have no gap,
 * which verifyLog's positions and stream versions checks see: every removed event is accounted for.
 */
export async function verifyArchives(store: EventStore, dir: string): Promise<LogCheck & { records: number }> {
  const { records } = await archiveCatalog(store);
  const problems: string[] = [];
  let failed = 0;
  const note = (text: string): void => {
    failed++;
    if (problems.length < SHOWN) problems.push(text);
  };
  let events = 0;
  for (const { data, position } of records) {
    const path = join(dir, data.file);
    const named = `${path} (HistoryArchived at position ${position})`;
    if (!existsSync(path)) {
      note(`${named} is missing: the ${data.events} event(s) it holds are in no archive and no longer in the log`);
      continue;
    }
    if ((await fileSha256(path)) !== data.sha256) {
      note(`${named} does not match the SHA-256 the log recorded for it (edited, damaged or replaced)`);
      continue;
    }
    let count = 0;
    let outside = 0;
    try {
      for await (const item of readArchive(path)) {
        if (!('position' in item)) continue;
        count++;
        if (!inRanges(data.ranges, item.position)) outside++;
      }
    } catch (error) {
      if (!(error instanceof ArchiveUnreadableError)) throw error;
      note(error.message);
      continue;
    }
    if (count !== data.events || rangesCount(data.ranges) !== data.events || outside > 0) {
      note(`${named} holds ${count} event(s) (${outside} outside the positions the log says were removed), the log recorded ${data.events}`);
      continue;
    }
    events += count;
  }
  const named = new Set(records.map((r) => r.data.file));
  const strays = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ndjson.gz') && !named.has(f)) : [];
  const stray = strays.length > 0 ? `; ${strays.length} file(s) no HistoryArchived event names (a run stopped before recording them; nothing was removed for them): ${strays.slice(0, 3).join(', ')}` : '';
  if (records.length === 0) return { name: 'archives', outcome: 'ok', detail: `no history was archived${stray}`, problems: [], records: 0 };
  if (failed > 0) return { name: 'archives', outcome: 'failed', detail: `${failed} of ${records.length} archive(s) in ${dir} cannot be trusted${stray}`, problems, records: records.length };
  return { name: 'archives', outcome: 'ok', detail: `${records.length} archive(s) in ${dir} hold the ${events} event(s) their HistoryArchived events say were removed, each file matching its SHA-256${stray}`, problems: [], records: records.length };
}
