// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The commands of a table's page, each through the REST API (recorded with the session's actor and the reason).
import { enc, notAvailable, post } from './api.mjs';
import { h, replace, toast } from './dom.mjs';
import { field, openDialog } from './dialog.mjs';
import { instantOf } from './sections.mjs';
import { scheduleDialog } from './schedule.mjs';

const reasonInput = (required) => h('textarea', { name: 'reason', rows: 2, maxlength: 1000, required });
const reasonOf = (form) => form.elements.reason.value.trim();
const unavailable = (what) => (error) => {
  throw notAvailable(error) ? new Error(`${what} is not available on this server yet.`) : error;
};

function suspend(t, done) {
  const until = h('input', { type: 'datetime-local', name: 'until', step: '1' });
  openDialog(`Suspend ${t.definition.identifier}`, [field('Reason', reasonInput(true)), field('Until (optional; empty: until resumed)', until)], 'Suspend', async (form) => {
    const body = { reason: reasonOf(form), ...(until.value ? { until: instantOf(until.value) } : {}) };
    await post(`/v1/materialized-tables/${enc(t.definition.identifier)}/suspend`, body);
    done('Suspended.');
  });
}

function resume(t, done) {
  openDialog(`Resume ${t.definition.identifier}`, [field('Reason', reasonInput(false))], 'Resume', async (form) => {
    await post(`/v1/materialized-tables/${enc(t.definition.identifier)}/resume`, reasonOf(form) ? { reason: reasonOf(form) } : {});
    done('Resumed.');
  });
}

function refresh(t, done) {
  const keys = t.definition.partitionKeys;
  const inputs = keys.map((k) => h('input', { name: `p-${k}`, placeholder: 'all' }));
  openDialog(`Refresh ${t.definition.identifier} now`, [...keys.map((k, i) => field(`Partition ${k} (optional)`, inputs[i])), field('Reason', reasonInput(false))], 'Refresh now', async (form) => {
    const partitions = Object.fromEntries(keys.map((k, i) => [k, inputs[i].value.trim()]).filter(([, v]) => v !== ''));
    const r = await post(`/v1/materialized-tables/${enc(t.definition.identifier)}/refresh`, { ...(Object.keys(partitions).length ? { partitions } : {}), ...(reasonOf(form) ? { reason: reasonOf(form) } : {}) });
    done(`Refresh submitted (${r.operationHandle}).`);
  });
}

function backfill(t, done) {
  const from = h('input', { type: 'datetime-local', name: 'from', required: true, step: '1' });
  const to = h('input', { type: 'datetime-local', name: 'to', required: true, step: '1' });
  const reprocess = h('select', { name: 'reprocess' }, ['none', 'failed', 'all'].map((v) => h('option', { value: v }, v)));
  const plan = h('div', { role: 'status' });
  let previewed = '';
  const url = `/v1/materialized-tables/${enc(t.definition.identifier)}/backfills`;
  openDialog(`Backfill ${t.definition.identifier}`, [field('From', from), field('To', to), field('Reprocess', reprocess), plan], 'Backfill', async (form, ok) => {
    const body = { from: instantOf(from.value), to: instantOf(to.value), reprocess: reprocess.value };
    const key = JSON.stringify(body);
    if (previewed !== key) {
      // The dry run first: the partitions it would refresh are listed, and the second press confirms them.
      const dry = await post(url, { ...body, dryRun: true }).catch(unavailable('Backfill'));
      replace(plan, h('p', {}, `${dry.partitions.length} partition(s) would be refreshed:`), h('ul', { 'aria-label': 'Backfill plan' }, dry.partitions.map((p) => h('li', {}, `${Object.entries(p.partition).map(([k, v]) => `${k}=${v}`).join(', ') || '(whole table)'} — ${p.nominalTimes} nominal time(s)`))));
      previewed = key;
      ok.textContent = 'Confirm backfill';
      return false;
    }
    const r = await post(url, body).catch(unavailable('Backfill'));
    done(`Backfill ${r.backfill.id} started: ${r.backfill.partitions} partition(s).`);
  });
}

/** The action bar: each button opens its dialog; `done(message)` reports success and redraws the page. */
export function actionBar(t, done) {
  const suspended = t.status === 'SUSPENDED';
  const button = (name, onclick, disabled = false) => h('button', { type: 'button', onclick: () => onclick(t, done), disabled }, name);
  return h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' },
    button('Suspend', suspend, suspended),
    button('Resume', resume, !suspended),
    button('Refresh now', refresh),
    button('Backfill', backfill),
    button('Change schedule', () => scheduleDialog(t.workflow, done), !t.workflow));
}

export const reportDone = (reload) => (message) => {
  toast(message);
  void reload();
};
