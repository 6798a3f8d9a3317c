import type { EventMetadata } from './types.ts';

/**
 * Who asks, why (only when given) and which request: what every command carries and every event it appends
 * records. The HTTP edge and the SPI take it partly given (`Partial<CommandContext>`) and fill in the rest.
 */
export interface CommandContext {
  actor: string;
  reason?: string;
  correlationId: string;
  causationId?: string;
}

/** A command's context as a caller gives it: the correlation id is made up when none is given. */
export type CommandRequest = Omit<CommandContext, 'correlationId'> & { correlationId?: string };

/** The metadata every append carries: the command's context and when it was decided. */
export function eventMetadata(ctx: CommandContext, at: number): EventMetadata {
  return {
    actor: ctx.actor,
    correlationId: ctx.correlationId,
    occurredAt: new Date(at).toISOString(),
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  };
}
