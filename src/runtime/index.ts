export { hostTimeZone } from '../clock/index.ts';
export { discardRefreshModel, openFreshet, refreshModelFile, type FreshetRuntime, type FreshetConfig, type OpenFreshetOptions } from './freshet.ts';
export { NodeLeaseError, type WarehouseMode } from './node-lease.ts';
export { NodeIdError } from './node-identity.ts';
// The CLI opens the log and the read model as the runtime does.
export { openEventStore, storeKindOf, StoreSpecError, type StoreKind } from '../events/index.ts';
export { openProjectionPersistence, projectionsFile } from '../projections/index.ts';
// replay --verify checks the table manager's events as the manager does at start.
export { refreshEventProblem } from '../refresh/index.ts';
