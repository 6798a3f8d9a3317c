export { hostTimeZone } from '../clock/index.ts';
export { openFreshet, type FreshetRuntime, type FreshetConfig, type OpenFreshetOptions } from './freshet.ts';
export { openEventStore, openProjectionPersistence, projectionsFile, storeKindOf, StoreSpecError, type StoreKind } from './open-store.ts';
