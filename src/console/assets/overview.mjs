// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The overview: one row per table, filtered and paged by the server (10,000 tables stay one small page), kept
// live by the event stream: an event refetches the page shown, and only the rows that changed are redrawn.
import { enc, get } from './api.mjs';
import { duration, h, outcome, replace, time } from './dom.mjs';
import { connect, subscribe } from './live.mjs';

const PAGE = 50;
const COLUMNS = [['Table'], ['Status'], ['Reason', 'wide'], ['Schedule'], ['Zone', 'wide'], ['Freshness / lag'], ['Next fire'], ['Last outcome'], ['Failures', 'wide']];

function rowOf(r) {
  const lag = r.stalenessMs === null ? 'never refreshed' : duration(r.stalenessMs);
  return h('tr', { 'data-table': r.identifier, class: r.behind ? 'behind' : null },
    h('td', { class: 'id' }, h('a', { href: `#/table/${enc(r.identifier)}` }, r.identifier)),
    h('td', {}, outcome(r.status), r.refreshing ? h('span', { class: 'badge o-running' }, '▶ refreshing') : null),
    h('td', { class: 'wide' }, r.reason ?? (r.lastError ? h('span', { class: 'error' }, r.lastError) : h('span', { class: 'muted' }, '—'))),
    h('td', {}, h('code', {}, r.cronExpression ?? '—')),
    h('td', { class: 'wide' }, r.timeZone),
    h('td', {}, `${r.freshness} / ${lag} `, r.behind ? h('span', { class: 'badge o-behind' }, '⚠ behind') : null),
    h('td', {}, time(r.nextFire, r.timeZone)),
    h('td', {}, outcome(r.lastOutcome)),
    h('td', { class: 'wide' }, String(r.consecutiveFailures)),
  );
}

/** Redraws only what changed, so focus and scroll survive an event and the changed row is easy to spot. */
function patch(tbody, rows) {
  const keep = new Map([...tbody.children].map((tr) => [tr.dataset.table, tr]));
  const next = rows.map((r) => {
    const key = JSON.stringify(r);
    const old = keep.get(r.identifier);
    if (old && old.dataset.key === key) return old;
    const tr = rowOf(r);
    tr.dataset.key = key;
    if (old) tr.classList.add('flash');
    return tr;
  });
  if (next.length === tbody.children.length && next.every((tr, i) => tr === tbody.children[i])) return;
  // A row redrawn under the keyboard's focus (its lag ticks, so every refetch redraws it) hands the focus on to
  // the row that replaces it: otherwise Enter would land on nothing.
  const focused = tbody.contains(document.activeElement) ? document.activeElement.closest('tr')?.dataset.table : undefined;
  tbody.replaceChildren(...next);
  if (focused !== undefined) next.find((tr) => tr.dataset.table === focused)?.querySelector('a')?.focus();
}

export function overview(main, params) {
  const state = { q: params.get('q') ?? '', status: params.get('status') ?? 'all', page: Math.max(0, Number(params.get('page') ?? 0) || 0) };
  const search = h('input', { type: 'search', id: 'search', value: state.q, placeholder: 'part of a name', autocomplete: 'off' });
  const status = h('select', { id: 'status' }, ['all', 'active', 'suspended', 'behind', 'failing'].map((s) => h('option', { value: s, selected: s === state.status }, s)));
  const tbody = h('tbody');
  const summary = h('span', { class: 'muted', role: 'status' });
  const prev = h('button', { type: 'button', onclick: () => go(state.page - 1) }, '← Previous');
  const next = h('button', { type: 'button', onclick: () => go(state.page + 1) }, 'Next →');
  const table = h('table', { 'aria-label': 'Workflows' }, h('caption', { class: 'muted', style: 'text-align:left' }, 'Materialized tables and their refresh workflows'),
    h('thead', {}, h('tr', {}, COLUMNS.map(([name, cls]) => h('th', { scope: 'col', class: cls }, name)))), tbody);
  replace(main, h('h1', {}, 'Overview'),
    h('div', { class: 'tools' }, h('label', {}, 'Search tables', search), h('label', {}, 'Show', status), summary),
    h('div', { class: 'scroll' }, table), h('div', { class: 'pager' }, prev, next));

  let inFlight = false;
  let dirty = false;
  let gone = false;
  async function load() {
    if (inFlight) return void (dirty = true);
    inFlight = true;
    try {
      const qs = new URLSearchParams({ offset: String(state.page * PAGE), limit: String(PAGE), status: state.status, ...(state.q ? { q: state.q } : {}) });
      const page = await get(`/v1/console/overview?${qs}`);
      if (gone) return;
      patch(tbody, page.rows);
      if (page.rows.length === 0) tbody.replaceChildren(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, state.q || state.status !== 'all' ? 'No table matches.' : 'No materialized tables yet: create one with CREATE MATERIALIZED TABLE (POST /v1/statements).')));
      const last = Math.min(page.total, page.offset + page.rows.length);
      summary.textContent = page.total === 0 ? '0 tables' : `${page.offset + 1}–${last} of ${page.total} tables`;
      prev.disabled = state.page === 0;
      next.disabled = last >= page.total;
      performance.mark('overview-rendered');
      connect(page.position);
    } catch (error) {
      summary.textContent = error.message;
    } finally {
      inFlight = false;
      if (dirty && !gone) {
        dirty = false;
        void load();
      }
    }
  }
  function go(page) {
    // A search typed just before leaving must not rewrite the URL of the page the user went to (its replaceState
    // landing between a link's navigation and its hashchange routed back here).
    if (gone) return;
    state.page = Math.max(0, page);
    const qs = new URLSearchParams({ ...(state.q ? { q: state.q } : {}), ...(state.status !== 'all' ? { status: state.status } : {}), ...(state.page ? { page: String(state.page) } : {}) });
    history.replaceState(null, '', `#/${qs.size ? `?${qs}` : ''}`);
    void load();
  }
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => ((state.q = search.value), go(0)), 150);
  });
  status.addEventListener('change', () => ((state.status = status.value), go(0)));
  // An event is committed before every read model has applied it (the manager updates its tables once its append
  // returns): a page read in between would stay stale until the next event, so a burst ends with one more read.
  let trailing;
  const unsubscribe = subscribe(() => {
    void load();
    clearTimeout(trailing);
    trailing = setTimeout(() => void load(), 100);
  });
  void load();
  return () => {
    gone = true;
    clearTimeout(typing);
    clearTimeout(trailing);
    unsubscribe();
  };
}
