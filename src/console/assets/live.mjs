// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// One EventSource for the whole page (the session cookie authenticates it; a bearer header cannot be sent).
// Views subscribe and are told of each event; the browser reconnects by itself and resumes after Last-Event-ID.

const listeners = new Set();
let source;
let from = 0;

function setStatus(on) {
  const el = document.getElementById('live');
  el.textContent = on ? 'live' : 'reconnecting…';
  el.className = on ? 'live on' : 'live off';
}

/** Opens the stream after `position` (the log position a view was read at), once; later calls keep it. */
export function connect(position) {
  if (source) return;
  from = position;
  source = new EventSource(`/v1/events/stream?from=${from}`);
  source.onopen = () => setStatus(true);
  source.onerror = () => setStatus(false);
  source.onmessage = (m) => {
    const event = JSON.parse(m.data);
    for (const l of listeners) l(event);
  };
}

export function disconnect() {
  source?.close();
  source = undefined;
}

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The table an event is about, when it says so (table and operation events do; workflow events name their stream). */
export function tableOf(event) {
  const d = event.data ?? {};
  return d.identifier ?? d.table ?? d.materializedTableIdentifier ?? d.tableIdentifier ?? null;
}
