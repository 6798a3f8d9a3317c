// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// Changing a workflow's schedule, with the next fire times previewed as they are typed and a warning on the
// wall times a daylight-saving change skips or repeats.
import { api, enc, get } from './api.mjs';
import { h, replace, time } from './dom.mjs';
import { field, openDialog } from './dialog.mjs';

const wall = (text) => text.replace('T', ' ').slice(0, 16);

/**
 * The preview's list: the fire times in order, the wall times a daylight-saving change touches marked where they
 * fall (the server says which: a time the spring-forward gap skips, a fire whose wall time the fall-back repeats).
 */
function previewList(r, zone) {
  const repeated = new Map(r.daylightSaving.filter((n) => n.kind === 'repeated').map((n) => [n.at, n]));
  const items = [
    ...r.fireTimes.map((t) => ({ at: t, li: h('li', {}, time(t, zone), repeated.has(t) ? h('span', { class: 'warn', role: 'note' }, ` ⚠ ${wall(repeated.get(t).wallTime)} happens twice in ${zone} (clocks go back): it fires once`) : null) })),
    ...r.daylightSaving.filter((n) => n.kind === 'skipped').map((n) => ({ at: n.at, li: h('li', { class: 'warn skipped' }, h('span', { role: 'note' }, `⚠ ${wall(n.wallTime)} does not exist in ${zone} (clocks go forward): no fire at this time`)) })),
  ];
  return h('ol', {}, items.sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).map((i) => i.li));
}

export function scheduleDialog(w, done) {
  const cron = h('input', { name: 'cron', value: w.cronExpression, required: true, size: 28 });
  const zone = h('input', { name: 'zone', value: w.timeZone, required: true });
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 1000 });
  const preview = h('div', { role: 'status', 'aria-label': 'Preview of next fire times' });
  let typing;
  async function show() {
    try {
      const r = await get(`/v1/cron/preview?${new URLSearchParams({ expression: cron.value, timeZone: zone.value, count: '10' })}`);
      replace(preview, previewList(r, zone.value));
    } catch (error) {
      replace(preview, h('p', { class: 'error' }, error.message));
    }
  }
  for (const input of [cron, zone]) input.addEventListener('input', () => (clearTimeout(typing), (typing = setTimeout(show, 200))));
  void show();
  openDialog('Change schedule', [field('Cron expression (Quartz)', cron), field('Time zone', zone), h('p', { class: 'muted' }, 'Next fire times:'), preview, field('Reason', reason)], 'Save schedule', async () => {
    const change = { ...(cron.value !== w.cronExpression ? { cronExpression: cron.value } : {}), ...(zone.value !== w.timeZone ? { timeZone: zone.value } : {}) };
    await api('PATCH', `/v1/workflows/${enc(w.workflowId)}`, { ...change, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
    done('Schedule changed.');
  });
}
