/**
 * Generated Quartz expressions checked three ways: against an independent field-by-field matcher in local time
 * (luxon), against a brute-force day-by-day search in UTC, and against cron-parser on the subset where its
 * semantics equal Quartz's (plain fields, day-of-week renumbered, no DST change in between).
 */
import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCron, MAX_YEAR } from '../../src/cron/index.ts';

type Item =
  | { kind: 'value'; v: number }
  | { kind: 'range'; a: number; b: number; n: number } // n = 0: no step written
  | { kind: 'from'; a: number; n: number } // a/n
  | { kind: 'every'; n: number; bare: boolean }; // * , */n, /n

interface Plain { kind: 'plain'; items: Item[] }
type DomSpec = Plain | { kind: 'last'; offset: number; weekday: boolean } | { kind: 'weekday'; day: number };
type DowSpec = Plain | { kind: 'lastDow'; d: number } | { kind: 'nth'; d: number; k: number };
interface Spec {
  sec: Plain; min: Plain; hour: Plain; month: Plain; dom: DomSpec | null; dow: DowSpec | null; years: number[] | null;
}

function itemArb(lo: number, hi: number, wrap: boolean): fc.Arbitrary<Item> {
  const v = fc.integer({ min: lo, max: hi });
  const step = fc.integer({ min: 0, max: hi }); // Quartz's increment limit is the field max
  return fc.oneof(
    v.map((x): Item => ({ kind: 'value', v: x })),
    fc.tuple(v, v, fc.oneof(fc.constant(0), step)).filter(([a, b]) => wrap || a <= b).map(([a, b, n]): Item => ({ kind: 'range', a, b, n })),
    fc.tuple(v, step).map(([a, n]): Item => ({ kind: 'from', a, n })),
  );
}

function plainArb(lo: number, hi: number, wrap = true): fc.Arbitrary<Plain> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: hi }), fc.boolean()).map(([n, bare]): Plain => ({ kind: 'plain', items: [{ kind: 'every', n: n > 0 && n < 5 ? 0 : n, bare }] })) },
    { weight: 3, arbitrary: fc.array(itemArb(lo, hi, wrap), { minLength: 1, maxLength: 3 }).map((items): Plain => ({ kind: 'plain', items })) },
  );
}

/** The value set Quartz 2.3.2 gives a plain field (addToSet: step 0 = start, wrap by field size, no step wrap). */
function values(p: Plain, lo: number, hi: number): Set<number> {
  const size = hi - lo + 1;
  const out = new Set<number>();
  const norm = (i: number) => (lo === 0 ? i % size : ((i - 1) % size) + 1);
  for (const it of p.items) {
    if (it.kind === 'value') out.add(it.v);
    else if (it.kind === 'every') for (let i = lo; i <= hi; i += it.n === 0 ? 1 : it.n) out.add(i);
    else if (it.kind === 'from') {
      if (it.n === 0) out.add(it.a);
      else for (let i = it.a; i <= hi; i += it.n) out.add(i);
    } else {
      const step = it.n === 0 ? 1 : it.n; // a written step of 0 never reaches here (see render)
      const stop = it.b < it.a ? it.b + size : it.b;
      for (let i = it.a; i <= stop; i += step) out.add(norm(i));
    }
  }
  return out;
}

function renderPlain(p: Plain): string {
  return p.items
    .map((it) => {
      switch (it.kind) {
        case 'value': return String(it.v);
        case 'every': return it.n === 0 ? '*' : `${it.bare ? '' : '*'}/${it.n}`;
        case 'from': return `${it.a}/${it.n}`;
        case 'range': return it.n === 0 ? `${it.a}-${it.b}` : `${it.a}-${it.b}/${it.n}`;
      }
    })
    .join(',');
}

function render(s: Spec): string {
  const dom = s.dom === null ? '?' : s.dom.kind === 'plain' ? renderPlain(s.dom)
    : s.dom.kind === 'last' ? `L${s.dom.offset > 0 ? `-${s.dom.offset}` : ''}${s.dom.weekday ? 'W' : ''}` : `${s.dom.day}W`;
  const dow = s.dow === null ? '?' : s.dow.kind === 'plain' ? renderPlain(s.dow)
    : s.dow.kind === 'lastDow' ? `${s.dow.d}L` : `${s.dow.d}#${s.dow.k}`;
  const year = s.years === null ? '' : ` ${s.years.join(',')}`;
  return `${renderPlain(s.sec)} ${renderPlain(s.min)} ${renderPlain(s.hour)} ${dom} ${renderPlain(s.month)} ${dow}${year}`;
}

const domArb: fc.Arbitrary<DomSpec> = fc.oneof(
  { weight: 3, arbitrary: plainArb(1, 31) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('last' as const), offset: fc.integer({ min: 0, max: 30 }), weekday: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('weekday' as const), day: fc.integer({ min: 1, max: 31 }) }) },
);
const dowArb: fc.Arbitrary<DowSpec> = fc.oneof(
  { weight: 3, arbitrary: plainArb(1, 7) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lastDow' as const), d: fc.integer({ min: 1, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nth' as const), d: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 5 }) }) },
);

function specArb(plainOnly = false): fc.Arbitrary<Spec> {
  const wrap = !plainOnly;
  return fc.record({
    sec: plainArb(0, 59, wrap), min: plainArb(0, 59, wrap), hour: plainArb(0, 23, wrap), month: plainArb(1, 12, wrap),
    dom: fc.option(plainOnly ? plainArb(1, 31, false) : domArb, { nil: null }),
    dow: plainOnly ? plainArb(1, 7, false) : dowArb,
    years: plainOnly ? fc.constant(null) : fc.option(fc.uniqueArray(fc.integer({ min: 2016, max: 2045 }), { minLength: 1, maxLength: 4 }), { nil: null }),
  }).map((s) => (s.dom === null ? s : { ...s, dow: null }));
}

const utcWeekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1; // 1 = Sunday
const monthLength = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function nearestWeekday(y: number, m: number, day: number): number {
  const last = monthLength(y, m);
  const wd = utcWeekday(y, m, day);
  if (wd === 7) return day === 1 ? 3 : day - 1;
  if (wd === 1) return day === last ? day - 2 : day + 1;
  return day;
}

/** Independent day matcher (Quartz numbering, computed with JS Date). */
function dayMatches(s: Spec, y: number, m: number, d: number): boolean {
  const last = monthLength(y, m);
  if (s.dom !== null) {
    if (s.dom.kind === 'plain') return values(s.dom, 1, 31).has(d);
    if (s.dom.kind === 'weekday') return s.dom.day <= last && nearestWeekday(y, m, s.dom.day) === d;
    const target = last - s.dom.offset;
    if (target < 1) return false;
    return (s.dom.weekday ? nearestWeekday(y, m, target) : target) === d;
  }
  const dow = s.dow ?? { kind: 'plain', items: [] };
  const wd = utcWeekday(y, m, d);
  if (dow.kind === 'plain') return values(dow, 1, 7).has(wd);
  if (dow.kind === 'lastDow') return wd === dow.d && d + 7 > last;
  return wd === dow.d && Math.ceil(d / 7) === dow.k;
}

function matchesLocal(s: Spec, t: DateTime): boolean {
  const years = s.years ?? null;
  return values(s.sec, 0, 59).has(t.second) && values(s.min, 0, 59).has(t.minute) && values(s.hour, 0, 23).has(t.hour)
    && values(s.month, 1, 12).has(t.month) && dayMatches(s, t.year, t.month, t.day)
    && (years === null ? t.year >= 1970 && t.year <= MAX_YEAR : years.includes(t.year));
}

/** Brute force in UTC: walk days, then the time-of-day values in order. */
function bruteForceUtc(s: Spec, after: number): number | null {
  const secs = [...values(s.sec, 0, 59)].sort((a, b) => a - b);
  const mins = [...values(s.min, 0, 59)].sort((a, b) => a - b);
  const hours = [...values(s.hour, 0, 23)].sort((a, b) => a - b);
  const months = values(s.month, 1, 12);
  const start = new Date(Math.floor(after / 86_400_000) * 86_400_000);
  for (let day = start; day.getUTCFullYear() <= Math.min(MAX_YEAR, 2046); day = new Date(day.getTime() + 86_400_000)) {
    const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (s.years !== null && !s.years.includes(y)) continue;
    if (!months.has(m) || !dayMatches(s, y, m, d)) continue;
    for (const h of hours) for (const mi of mins) for (const se of secs) {
      const t = Date.UTC(y, m - 1, d, h, mi, se);
      if (t > after) return t;
    }
  }
  return null;
}

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham', 'America/Havana', 'Asia/Kolkata'];
const FROM = Date.UTC(2016, 0, 1);
const TO = Date.UTC(2031, 0, 1);

/** Exact DST transition instants per zone, so that many generated start times sit just before one. */
const transitions = new Map(ZONES.map((zone) => {
  const offset = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const found: number[] = [];
  for (let t = FROM; t < TO; t += 86_400_000) {
    if (offset(t) === offset(t + 86_400_000)) continue;
    let [lo, hi] = [t, t + 86_400_000];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offset(mid) === offset(t)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return [zone, found];
}));

const zoneAndAfter = fc.constantFrom(...ZONES).chain((zone) => {
  const instants = transitions.get(zone) ?? [];
  const uniform = fc.integer({ min: FROM, max: TO });
  const near = instants.length === 0 ? uniform
    : fc.tuple(fc.constantFrom(...instants), fc.integer({ min: -3 * 3600_000, max: 3600_000 })).map(([d, o]) => d + o);
  return fc.tuple(fc.constant(zone), fc.oneof(uniform, near, near), fc.integer({ min: 0, max: 999 }));
});

/** Generated specs, half of them firing every hour or more often so that they meet the DST transitions. */
const nearTransitionHours: fc.Arbitrary<Plain> = fc.oneof(
  fc.constant<Plain>({ kind: 'plain', items: [{ kind: 'every', n: 0, bare: false }] }),
  fc.integer({ min: 0, max: 3 }).map((v): Plain => ({ kind: 'plain', items: [{ kind: 'value', v }] })),
  fc.integer({ min: 0, max: 3 }).map((v): Plain => ({ kind: 'plain', items: [{ kind: 'value', v }] })),
  fc.constant<Plain>({ kind: 'plain', items: [{ kind: 'range', a: 1, b: 2, n: 0 }] }),
);
const EVERY: Plain = { kind: 'plain', items: [{ kind: 'every', n: 0, bare: false }] };
const denseSpecArb = fc.tuple(specArb(), fc.boolean(), nearTransitionHours, plainArb(0, 59)).map(([spec, dense, hour, min]): Spec =>
  dense ? { ...spec, hour, min, dom: EVERY, dow: null, month: EVERY, years: null } : spec);

describe('generated Quartz expressions', () => {
  it('results are strictly increasing, strictly after `after`, match field by field in local time, and are never the earlier pass of a repeated wall time', () => {
    fc.assert(
      fc.property(denseSpecArb, zoneAndAfter, (spec, [zone, after, ms]) => {
        const cron = compileCron(render(spec), zone);
        let prev = after + ms;
        for (let i = 0; i < 12; i++) {
          const next = cron.nextAfter(prev);
          if (next === null) return;
          expect(next).toBeGreaterThan(prev);
          expect(next % 1000).toBe(0);
          const local = DateTime.fromMillis(next, { zone });
          expect(matchesLocal(spec, local), `${render(spec)} in ${zone} at ${local.toISO()}`).toBe(true);
          for (const fold of [30 * 60_000, 3600_000]) {
            const later = DateTime.fromMillis(next + fold, { zone });
            expect(later.toFormat('yyyy-MM-dd HH:mm:ss'), `earlier pass of ${local.toISO()}`).not.toBe(local.toFormat('yyyy-MM-dd HH:mm:ss'));
          }
          prev = next;
        }
      }),
      { numRuns: 600 },
    );
  });

  it('in UTC the first fire equals a brute-force day-by-day search (no match is skipped)', () => {
    fc.assert(
      fc.property(specArb(), fc.integer({ min: FROM, max: TO }), (spec, after) => {
        expect(compileCron(render(spec), 'UTC').nextAfter(after), render(spec)).toBe(bruteForceUtc(spec, after));
      }),
      { numRuns: 300 },
    );
  });
});

/** cron-parser spelling of a plain field (it has no `a/n` beyond the max and numbers Sunday 0). */
function cpField(p: Plain, lo: number, hi: number, shift = 0): string {
  return [...values(p, lo, hi)].sort((a, b) => a - b).map((v) => v - shift).join(',');
}

describe('differential against cron-parser (plain fields, UTC and New York away from DST changes)', () => {
  it('agrees on the next five fire times', () => {
    fc.assert(
      fc.property(specArb(true), fc.constantFrom('UTC', 'America/New_York'), fc.integer({ min: FROM, max: TO }), (spec, zone, after) => {
        const quartz = compileCron(render(spec), zone);
        // Explicit value lists: cron-parser has no bare `/n`, no wrap, and numbers Sunday 0.
        const fields = [
          cpField(spec.sec, 0, 59), cpField(spec.min, 0, 59), cpField(spec.hour, 0, 23),
          spec.dom === null ? '*' : cpField(spec.dom as Plain, 1, 31), cpField(spec.month, 1, 12),
          spec.dow === null ? '*' : cpField(spec.dow as Plain, 1, 7, 1),
        ];
        const cp = (() => {
          try {
            return CronExpressionParser.parse(fields.join(' '), { currentDate: new Date(after), tz: zone });
          } catch (error) {
            expect(String(error)).toContain('Invalid explicit day of month definition'); // e.g. `30 2`
            return null;
          }
        })();
        if (cp === null) {
          expect(quartz.nextAfter(after)).toBeNull();
          return;
        }
        let prev = after;
        for (let i = 0; i < 5; i++) {
          let expected: number;
          try {
            expected = cp.next().getTime();
          } catch (error) {
            // cron-parser throws for dates that never exist (`30 2`); Quartz simply never fires.
            if (String(error).includes('Invalid explicit day of month definition')) expect(quartz.nextAfter(prev)).toBeNull();
            return;
          }
          // Also away from a change just after the answer: there a repeated local time resolves to the later instant.
          const off = (t: number) => DateTime.fromMillis(t, { zone }).offset;
          const offsetsEqual = off(prev) === off(expected) && off(expected) === off(expected + 3 * 3_600_000);
          if (!offsetsEqual || expected - prev > 100 * 86_400_000) return; // a DST change may lie between
          expect(quartz.nextAfter(prev), `${render(spec)} vs ${fields.join(' ')} after ${new Date(prev).toISOString()}`).toBe(expected);
          prev = expected;
        }
      }),
      { numRuns: 300 },
    );
  });
});
