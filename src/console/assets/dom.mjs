// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// A few helpers instead of a framework: build elements, format times and durations.

/** h('td', { class: 'id' }, 'text', child): an element; null/false children are left out; text is never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const formats = new Map();
const format = (zone) => {
  if (!formats.has(zone)) formats.set(zone, new Intl.DateTimeFormat(undefined, { timeZone: zone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }));
  return formats.get(zone);
};

/** A time in the viewer's zone, with the workflow's zone in its tooltip (and the ISO instant for copying). */
export function time(iso, zone) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const title = [zone && zone !== viewerZone ? `${format(zone).format(d)} (${zone})` : null, iso].filter(Boolean).join(' · ');
  return h('time', { datetime: iso, title }, format(viewerZone).format(d));
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 120) return `${Math.round(m)} min`;
  const hr = m / 60;
  return hr < 48 ? `${hr.toFixed(1)} h` : `${(hr / 24).toFixed(1)} d`;
}

/** Each outcome has a colour and, for those who cannot tell colours apart, a symbol and its word. */
const SYMBOLS = { succeeded: '✓', FINISHED: '✓', fired: '✓', failed: '✗', ERROR: '✗', TIMEOUT: '✗', skipped: '⤼', cancelled: '⊘', CANCELED: '⊘', running: '▶', RUNNING: '▶', claimed: '…', PENDING: '…', backfilled: '↺', SUSPENDED: '‖', ACTIVATED: '●' };
export function outcome(label) {
  if (!label) return h('span', { class: 'muted' }, '—');
  return h('span', { class: `badge o-${String(label).replace(/[^\w-]/g, '')}` }, `${SYMBOLS[label] ?? '•'} ${label}`);
}

export function replace(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

let toastTimer;
export function toast(message, bad = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = bad ? 'toast bad' : 'toast';
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), bad ? 8000 : 3000);
}
