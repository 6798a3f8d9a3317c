// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The occurrence ledger as a timeline: every nominal fire time and what became of it, newest first, paged by
// the API's cursors (`page.older` / `page.newer`).
import { enc, get } from './api.mjs';
import { duration, h, outcome, replace, time } from './dom.mjs';

const LIMIT = 20;
const partitionText = (p) => (p && typeof p === 'object' && Object.keys(p).length ? Object.entries(p).map(([k, v]) => `${k}=${v}`).join(', ') : '—');

/** Today's ledger says `fired` and names the operation; the operation says how it went (until the ledger does). */
const OP_OUTCOME = { FINISHED: 'succeeded', ERROR: 'failed', TIMEOUT: 'failed', CANCELED: 'cancelled', RUNNING: 'running', PENDING: 'running', INITIALIZED: 'running' };
function joined(o, ops) {
  const op = o.operationHandle ? ops.get(o.operationHandle) : undefined;
  if (!op || o.outcome !== 'fired') return o;
  return { ...o, outcome: OP_OUTCOME[op.status] ?? o.outcome, error: o.error ?? op.error, rowsWritten: o.rowsWritten ?? op.rowsWritten, durationMs: o.durationMs ?? op.durationMs, partition: o.partition ?? op.partitions, attempts: o.attempts ?? op.attempt };
}

function entry(o, zone) {
  const why = [o.reason, o.error ? h('span', { class: 'error' }, o.error) : null, o.manual ? '(manual)' : null, o.recovered ? '(recovered)' : null, o.backfillId ? `backfill ${o.backfillId}` : null];
  return h('tr', { 'data-nominal': o.nominalTime },
    h('td', {}, time(o.nominalTime, zone)),
    h('td', {}, outcome(o.backfillId && o.outcome === 'succeeded' ? 'backfilled' : o.outcome)),
    h('td', {}, why.filter(Boolean).flatMap((w, i) => (i ? [' ', w] : [w]))),
    h('td', { class: 'wide' }, partitionText(o.partition)),
    h('td', { class: 'wide' }, o.rowsWritten ?? '—'),
    h('td', { class: 'wide' }, duration(o.durationMs ?? null)),
    h('td', { class: 'wide' }, o.attempts ?? '—'),
  );
}

/** The ledger section of a table's page; `reload()` refetches the page shown (the newest when none was paged to). */
export function ledger(workflow, asOf) {
  let ops = new Map();
  const body = h('tbody');
  const note = h('p', { class: 'muted' });
  const older = h('button', { type: 'button' }, 'Older');
  const newer = h('button', { type: 'button' }, 'Newer');
  let cursor = {};
  async function reload() {
    const qs = new URLSearchParams({ limit: String(LIMIT), ...(asOf() ? { to: asOf() } : {}), ...cursor });
    try {
      const r = await get(`/v1/workflows/${enc(workflow.workflowId)}/occurrences?${qs}`);
      replace(body, r.occurrences.map((o) => entry(joined(o, ops), workflow.timeZone)));
      if (r.occurrences.length === 0) replace(body, h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No nominal fire time in the 24 hours up to then.')));
      older.disabled = r.page.older === null;
      newer.disabled = r.page.newer === null;
      older.onclick = () => ((cursor = { before: r.page.older }), reload());
      newer.onclick = () => ((cursor = { after: r.page.newer }), reload());
      note.textContent = `${r.occurrences.length} nominal times shown, newest first${asOf() ? `, up to ${asOf()}` : ''}.`;
    } catch (error) {
      note.textContent = error.message;
    }
  }
  const section = h('section', { class: 'card', 'aria-labelledby': 'ledger-h' },
    h('h2', { id: 'ledger-h' }, 'Ledger'),
    h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Ledger' }, h('thead', {}, h('tr', {}, ['Nominal time', 'Outcome', 'Reason / error', 'Partition', 'Rows', 'Duration', 'Attempts'].map((c, i) => h('th', { scope: 'col', class: i > 2 ? 'wide' : null }, c)))), body)),
    h('div', { class: 'pager' }, newer, older, note));
    /** `operations`: the table's recent operations (GET …/operations), joined to the fires that started them. */
  const withOps = (operations) => {
    if (operations) ops = new Map(operations.map((op) => [op.operationHandle, op]));
    return reload();
  };
  return { section, reload: withOps, latest: () => ((cursor = {}), reload()) };
}
