// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The read-only sections of a table's page: next fire times, refresh operations, the audit history, the
// definition, the workflow as it stood at an instant, and "why didn't it fire at …?".
import { enc, get, notAvailable } from './api.mjs';
import { duration, h, outcome, replace, time } from './dom.mjs';

export const card = (id, title, ...children) => h('section', { class: 'card', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
const grid = (headers, rows, label) => h('div', { class: 'scroll' }, h('table', { 'aria-label': label }, h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)));
const fail = (el, error) => replace(el, h('p', { class: 'error' }, error.message));
const partitions = (p) => (Object.keys(p ?? {}).length ? Object.entries(p).map(([k, v]) => `${k}=${v}`).join(', ') : 'all');

/** A local `datetime-local` value read in the viewer's zone, as an ISO instant. */
export const instantOf = (local) => (local ? new Date(local).toISOString() : '');

export async function nextFires(el, w) {
  if (!w || w.status !== 'ACTIVE') return replace(el, h('p', { class: 'muted' }, w ? `None: the workflow is ${w.status.toLowerCase()}.` : 'No workflow.'));
  try {
    const r = await get(`/v1/cron/preview?${new URLSearchParams({ expression: w.cronExpression, timeZone: w.timeZone, count: '5' })}`);
    replace(el, h('ol', {}, r.fireTimes.map((t) => h('li', {}, time(t, w.timeZone)))), h('p', { class: 'muted' }, h('code', {}, w.cronExpression), ` in ${w.timeZone}`));
  } catch (error) {
    fail(el, error);
  }
}

/** Renders the table's operations (GET …/operations?limit=…, fetched once by the page for this and the ledger). */
export function operations(el, r) {
  if (r instanceof Error) return fail(el, r);
  const rows = r.operations.map((o) => h('tr', {}, h('td', {}, time(o.submittedAt)), h('td', {}, o.kind), h('td', {}, outcome(o.status)), h('td', {}, partitions(o.partitions)), h('td', {}, o.rowsWritten ?? '—'), h('td', {}, duration(o.durationMs)), h('td', {}, o.error ? h('span', { class: 'error' }, o.error) : '—')));
  replace(el, r.operations.length ? grid(['Submitted', 'Kind', 'Status', 'Partition', 'Rows', 'Duration', 'Error'], rows, 'Operations') : h('p', { class: 'muted' }, 'No refresh yet.'), r.more ? h('p', { class: 'muted' }, `${r.total - r.operations.length} older not shown.`) : null);
}

export async function history(el, w) {
  if (!w) return replace(el, h('p', { class: 'muted' }, 'No workflow.'));
  try {
    const r = await get(`/v1/workflows/${enc(w.workflowId)}/history?limit=20`);
    const rows = r.events.map((e) => h('tr', {}, h('td', {}, time(e.recordedAt, w.timeZone)), h('td', {}, e.type), h('td', {}, e.actor), h('td', {}, e.reason ?? '—')));
    replace(el, grid(['When', 'Event', 'Actor', 'Reason'], rows, 'Audit history'), r.page.more ? h('p', { class: 'muted' }, 'Older events exist (GET /v1/workflows/:id/history).') : null);
  } catch (error) {
    fail(el, error);
  }
}

export function definition(t) {
  const d = t.definition;
  return card('def', 'Definition', h('pre', {}, d.statement), h('p', { class: 'muted' }, `Freshness ${d.freshness.interval} ${d.freshness.unit}; refresh mode ${d.refreshMode}; partitioned by ${d.partitionKeys.join(', ') || 'nothing'}.`));
}

/** The workflow as it stood at an instant (its audit, replayed): status, schedule, who suspended it and why. */
export async function asOfView(el, w, at) {
  if (!w || !at) return replace(el);
  try {
    const s = await get(`/v1/workflows/${enc(w.workflowId)}?asOf=${enc(at)}`);
    replace(el, h('dl', {}, ['status', 'cronExpression', 'timeZone', 'nextExecutionTime', 'suspendedBy', 'suspendReason', 'lastModifiedBy'].flatMap((k) => [h('dt', {}, k), h('dd', {}, k.endsWith('Time') ? time(s[k], s.timeZone) : (s[k] ?? '—'))])));
  } catch (error) {
    fail(el, error);
  }
}

export function explain(w) {
  const at = h('input', { type: 'datetime-local', id: 'explain-at', step: '1' });
  const out = h('div', { role: 'status' });
  const ask = async (e) => {
    e.preventDefault();
    if (!at.value) return replace(out, h('p', { class: 'error' }, 'Pick an instant first.'));
    try {
      const r = await get(`/v1/workflows/${enc(w.workflowId)}/explain?at=${enc(instantOf(at.value))}`);
      replace(out, h('p', {}, r.nominal ? 'A nominal fire time of the schedule. ' : 'Not a nominal fire time of the schedule. ', r.outcome ? outcome(r.outcome.outcome) : null),
        h('ul', {}, r.reasons.map((x) => h('li', {}, x))), h('p', { class: 'muted' }, 'Previous: ', time(r.previous, w.timeZone), ' · next: ', time(r.next, w.timeZone)));
    } catch (error) {
      replace(out, h('p', { class: notAvailable(error) ? 'muted' : 'error' }, notAvailable(error) ? 'Explain is not available on this server yet.' : error.message));
    }
  };
  return card('explain', "Why didn't it fire at …?", h('form', { class: 'tools', onsubmit: ask }, h('label', {}, "Why didn't it fire at", at), h('button', { type: 'submit' }, 'Explain')), out);
}
