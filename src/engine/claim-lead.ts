/** The lead never grows past this: a per-second cron's claim must stay clear of the previous second's fires. */
export const MAX_CLAIM_LEAD_MS = 800;
/** A longer lead is kept this long after the pass that called for it, so small passes in between do not shrink it. */
const KEEP_MS = 60_000;

/**
 * How long before its nominal time a fire is claimed. The configured lead is the minimum; a claim pass (every
 * claim due at one instant, decided and durably appended together) that takes longer pushes it out to 1.5× the
 * pass plus a margin, so the claims of 10,000 workflows on one cron are committed before their time instead of
 * making every fire late by the difference. Measured on the engine's own passes: a faster disk keeps it short.
 */
export class ClaimLead {
  private current: number;
  private raisedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly minimum: number) {
    this.current = minimum;
  }

  get ms(): number {
    return this.current;
  }

  /** A claim pass took `passMs` on the engine's clock (from its wake until its last claim was applied). */
  passTook(passMs: number, now: number): void {
    const wanted = Math.max(this.minimum, Math.min(MAX_CLAIM_LEAD_MS, Math.ceil(1.5 * passMs) + 20));
    if (wanted >= this.current) {
      this.current = wanted;
      this.raisedAt = now;
    } else if (now - this.raisedAt > KEEP_MS || now < this.raisedAt) {
      this.current = wanted;
      this.raisedAt = now;
    }
  }
}
