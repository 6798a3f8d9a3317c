import { Type } from '@fastify/type-provider-typebox';

/**
 * Cursor paging over a list sorted oldest first, by a numeric key (a version, an epoch-ms time). `before`/`after`
 * are exclusive cursors; the page is the `limit` items next to the cursor (or at the newest/oldest end without
 * one), shown in `order`. `older`/`newer` are the cursors to page on (null: nothing more that way).
 */
export type Order = 'newest' | 'oldest';

export interface PageQuery {
  order: Order;
  limit: number;
  before?: number;
  after?: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `before` for the next older page; null when nothing older exists. */
  older: number | null;
  /** Pass as `after` for the next newer page; null when nothing newer exists. */
  newer: number | null;
}

export function pageOf<T>(ascending: readonly T[], keyOf: (item: T) => number, q: PageQuery): Page<T> {
  const inside = ascending.filter((item) => (q.before === undefined || keyOf(item) < q.before) && (q.after === undefined || keyOf(item) > q.after));
  // Next to the cursor that was given; at the end `order` starts from when none (or both) were given.
  const fromStart = q.before === undefined && q.after !== undefined ? true : q.after === undefined && q.before !== undefined ? false : q.order === 'oldest';
  const chosen = fromStart ? inside.slice(0, q.limit) : inside.slice(Math.max(0, inside.length - q.limit));
  const first = chosen[0];
  const last = chosen.at(-1);
  const older = first !== undefined && ascending.some((i) => keyOf(i) < keyOf(first)) ? keyOf(first) : null;
  const newer = last !== undefined && ascending.some((i) => keyOf(i) > keyOf(last)) ? keyOf(last) : null;
  return { items: q.order === 'newest' ? [...chosen].reverse() : chosen, older, newer };
}

export const OrderQuery = Type.Optional(Type.Unsafe<Order>({ type: 'string', enum: ['newest', 'oldest'], default: 'newest', description: 'newest first (default) or oldest first.' }));

/** The paging part of a response: which way it runs and, explicitly, whether more exists each way. */
export const PageInfo = Type.Object({
  order: Type.String(),
  limit: Type.Integer(),
  more: Type.Boolean({ description: 'More items exist beyond this page in the direction of paging (`before`: older, `after`: newer, else along `order`).' }),
  older: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for the older page; null when none.' }),
  newer: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` for the newer page; null when none.' }),
});

export function pageInfo(q: PageQuery, page: Page<unknown>, cursor: (key: number) => string): { order: Order; limit: number; more: boolean; older: string | null; newer: string | null } {
  const older = page.older === null ? null : cursor(page.older);
  const newer = page.newer === null ? null : cursor(page.newer);
  // The way the caller is paging: towards a cursor's side, or away from the end `order` starts at.
  const towardsNewer = q.after !== undefined && q.before === undefined ? true : q.before !== undefined && q.after === undefined ? false : q.order === 'oldest';
  return { order: q.order, limit: q.limit, more: (towardsNewer ? newer : older) !== null, older, newer };
}
