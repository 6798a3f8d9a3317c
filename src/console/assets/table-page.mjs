// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// A table's page: status and actions, next fire times, the ledger, operations, the audit history, the
// definition, the workflow as of an instant, and explain. Events about this table redraw it in place.
import { enc, get } from './api.mjs';
import { h, outcome, replace, time } from './dom.mjs';
import { actionBar, reportDone } from './actions.mjs';
import { ledger } from './ledger.mjs';
import { connect, subscribe, tableOf } from './live.mjs';
import { asOfView, card, definition, explain, history, instantOf, nextFires, operations } from './sections.mjs';

function header(t) {
  const w = t.workflow;
  return [
    h('p', {}, h('a', { href: '#/' }, '← Overview')),
    h('h1', {}, t.definition.identifier),
    h('p', { id: 'status-line' }, outcome(t.status), ' ',
      t.status === 'SUSPENDED' ? `by ${t.suspendedBy ?? w?.suspendedBy ?? 'unknown'}: ${t.suspendReason ?? w?.suspendReason ?? 'no reason given'}` : null,
      t.refresh.consecutiveFailures ? h('span', { class: 'error' }, ` ${t.refresh.consecutiveFailures} failure(s) in a row: ${t.refresh.errorMessage ?? ''}`) : null,
      h('span', { class: 'muted' }, ' · last success '), time(t.refresh.lastSuccessfulRefresh, w?.timeZone),
      w ? h('span', { class: 'muted' }, ` · zone ${w.timeZone}`) : null),
  ];
}

export function tablePage(main, identifier, params) {
  let gone = false;
  let workflowId = null;
  let current = null;
  const asOfInput = h('input', { type: 'datetime-local', id: 'as-of', step: '1', value: params.get('asOf') ?? '' });
  const asOf = () => instantOf(asOfInput.value);
  const top = h('div');
  const bar = h('div');
  const fires = h('div');
  const ops = h('div');
  const hist = h('div');
  const stood = h('div', { role: 'status' });
  const rest = h('div');
  let book;

  async function load() {
    let t;
    try {
      t = await get(`/v1/materialized-tables/${enc(identifier)}`);
    } catch (error) {
      return replace(main, h('p', {}, h('a', { href: '#/' }, '← Overview')), h('p', { class: 'error', role: 'alert' }, error.message));
    }
    if (gone) return;
    const w = t.workflow;
    current = w;
    replace(top, header(t));
    replace(bar, actionBar(t, reportDone(load)));
    if (w && w.workflowId !== workflowId) {
      workflowId = w.workflowId;
      book = ledger(w, asOf);
      replace(rest, book.section, card('ops', 'Refresh operations', ops), card('hist', 'Audit history', hist), definition(t), explain(w));
    } else if (!w) replace(rest, card('ops', 'Refresh operations', ops), definition(t));
    const recent = await get(`/v1/materialized-tables/${enc(identifier)}/operations?limit=100`).catch((error) => error);
    operations(ops, recent);
    await Promise.all([nextFires(fires, w), history(hist, w), book?.reload(recent instanceof Error ? [] : recent.operations), asOfView(stood, w, asOf())]);
  }

  replace(main, top, bar,
    h('div', { class: 'grid' }, card('next', 'Next fire times', fires),
      card('asof', 'As of an instant', h('label', {}, 'As of (your zone)', asOfInput), h('p', { class: 'muted' }, 'The workflow as it stood then; the ledger shows the 24 hours up to then.'), stood)),
    rest);
  asOfInput.addEventListener('change', () => void (asOfView(stood, current, asOf()), book?.latest()));

  let inFlight = null;
  let again = false;
  const refreshSoon = async () => {
    if (inFlight) return void (again = true);
    inFlight = load().finally(() => {
      inFlight = null;
      if (again && !gone) ((again = false), refreshSoon());
    });
  };
  const unsubscribe = subscribe((e) => {
    if (tableOf(e) === identifier || (workflowId && e.streamName === `workflow-${workflowId}`)) void refreshSoon();
  });
  void (async () => {
    const position = (await get('/v1/console/overview?limit=1').catch(() => null))?.position ?? 0;
    connect(position);
    await refreshSoon();
  })();
  return () => {
    gone = true;
    unsubscribe();
  };
}
