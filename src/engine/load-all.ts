import { type EventStore, readPages } from '../events/index.ts';
import { WORKFLOW_STREAM_PREFIX } from '../workflows/index.ts';
import { foldRecorded, type VersionedState } from './stream-state.ts';

const PAGE = 10_000;

/** Every workflow's state from the log, and the position to subscribe after so nothing is missed or seen twice. */
export async function loadAllWorkflows(store: EventStore, onPage?: (position: number, workflows: number) => void): Promise<{ states: Map<string, VersionedState>; position: number }> {
  const states = new Map<string, VersionedState>();
  let position = 0;
  for await (const page of readPages(store, { pageSize: PAGE, filter: { streamPrefix: WORKFLOW_STREAM_PREFIX } })) {
    for (const e of page) {
      const id = e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);
      states.set(id, foldRecorded(states.get(id) ?? { state: undefined, version: 0 }, [e]));
      position = e.position;
    }
    onPage?.(position, states.size);
  }
  return { states, position };
}
