import { firstValueFrom, take, timeout, toArray, type Observable } from 'rxjs';
import { expect } from 'vitest';
import type { EventMetadata, NewEvent } from '../../../src/events/index.ts';

export function meta(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return { actor: 'contract-test', correlationId: 'corr-1', occurredAt: '2024-05-01T10:00:00.000Z', ...overrides };
}

export function ev(type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent {
  return { type, schemaVersion: 1, data, metadata: meta(), ...extra };
}

export function collect<T>(source: Observable<T>, count: number): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray(), timeout(15_000)));
}

export function expectIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]!));
}

/** Yields to the event loop until a condition holds (no timers), for adapters that deliver asynchronously. */
export async function waitFor(condition: () => boolean, withinMs = 10_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!condition() && performance.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

