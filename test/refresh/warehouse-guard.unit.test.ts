import { afterEach, describe, expect, it, vi } from 'vitest';
import { WarehouseError } from '../../src/refresh/warehouse/index.ts';
import { StatementGuard } from '../../src/refresh/warehouse/guard.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('statement guard timeouts', () => {
  it('a timeout longer than 2^31-1 ms does not fire early (Node would clamp it to 1 ms)', () => {
    vi.useFakeTimers();
    const thirtyDays = 30 * 86_400_000;
    const guard = new StatementGuard({ timeoutMs: thirtyDays }, (reason) => new WarehouseError(reason));
    vi.advanceTimersByTime(thirtyDays - 1000);
    expect(guard.reason).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(guard.reason).toBe('timeout');
    guard.dispose();
  });
});
