import type { EventMetadata } from './types.ts';

/** The metadata every append carries: who, why (only when given), which request, and when it was decided. */
export function eventMetadata(ctx: { actor: string; reason?: string; correlationId: string; causationId?: string }, at: number): EventMetadata {
  return {
    actor: ctx.actor,
    correlationId: ctx.correlationId,
    occurredAt: new Date(at).toISOString(),
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  };
}
