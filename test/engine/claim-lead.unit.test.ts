import { describe, expect, it } from 'vitest';
import { ClaimLead, MAX_CLAIM_LEAD_MS } from '../../src/engine/claim-lead.ts';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe('claim lead: the configured lead is a minimum that a slow claim pass pushes out', () => {
  it('stays at the configured lead while passes are quick', () => {
    const lead = new ClaimLead(250);
    lead.passTook(40, T0);
    expect(lead.ms).toBe(250);
  });

  it('grows to 1.5x a slow pass plus a margin, never past the cap', () => {
    const lead = new ClaimLead(250);
    lead.passTook(400, T0);
    expect(lead.ms).toBe(620);
    lead.passTook(2_000, T0 + 1_000);
    expect(lead.ms).toBe(MAX_CLAIM_LEAD_MS);
  });

  it('keeps a raised lead through small passes for a minute, then relaxes to what the passes need', () => {
    const lead = new ClaimLead(250);
    lead.passTook(400, T0);
    lead.passTook(2, T0 + 30_000);
    expect(lead.ms).toBe(620);
    lead.passTook(2, T0 + 61_000);
    expect(lead.ms).toBe(250);
  });

  it('a configured lead above the cap is kept', () => {
    const lead = new ClaimLead(900);
    lead.passTook(2_000, T0);
    expect(lead.ms).toBe(900);
  });
});
