export { openFreshet, hostTimeZone, type FreshetRuntime, type FreshetConfig, type OpenFreshetOptions } from './freshet.ts';
export { openEventStore, storeKindOf, StoreSpecError, type StoreKind } from './open-store.ts';
export { parseDuration } from './duration.ts';
