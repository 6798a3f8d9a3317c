// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// Changing a workflow's schedule, with the next fire times previewed as they are typed and a warning on the
// instants a daylight-saving change moves or drops.
import { api, enc, get } from './api.mjs';
import { h, replace, time } from './dom.mjs';
import { field, openDialog } from './dialog.mjs';

const offsets = new Map();
function offsetAt(ms, zone) {
  if (!offsets.has(zone)) offsets.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }));
  return offsets.get(zone).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value;
}

/** A fire within 12 hours of an offset change in its zone: skipped or repeated wall times live there. */
export const nearDstChange = (iso, zone) => offsetAt(Date.parse(iso) - 43_200_000, zone) !== offsetAt(Date.parse(iso) + 43_200_000, zone);

export function scheduleDialog(w, done) {
  const cron = h('input', { name: 'cron', value: w.cronExpression, required: true, size: 28 });
  const zone = h('input', { name: 'zone', value: w.timeZone, required: true });
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 1000 });
  const preview = h('div', { role: 'status', 'aria-label': 'Preview of next fire times' });
  let typing;
  async function show() {
    try {
      const r = await get(`/v1/cron/preview?${new URLSearchParams({ expression: cron.value, timeZone: zone.value, count: '10' })}`);
      replace(preview, h('ol', {}, r.fireTimes.map((t) => h('li', {}, time(t, zone.value), nearDstChange(t, zone.value) ? h('span', { class: 'warn' }, ` ⚠ near a daylight-saving change in ${zone.value}`) : null))));
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
