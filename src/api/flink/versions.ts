/** The SQL Gateway REST API versions freshet serves, each at `/v<n>` with that version's endpoints and shapes. */
export type GatewayVersion = 1 | 2 | 3 | 4;

export const GATEWAY_VERSIONS: readonly GatewayVersion[] = [1, 2, 3, 4];

/**
 * Unversioned paths (`/sessions`, `/info`, …) are served at the default version, as Flink's endpoint does; the
 * newest is the default (Flink 2.x marks V4 so). Flink's own scheduler and SQL client name their version.
 */
export const DEFAULT_VERSION: GatewayVersion = 4;

export type GatewayFeature = 'configure-session' | 'complete-statement' | 'row-format' | 'refresh' | 'scripts';

// From the specs (rest_v{1..4}_sql_gateway.yml): V2 added configure-session, completion and the row format;
// materialized-table refresh is in the v3 spec only, script deployment in v4 only.
const SINCE: Record<GatewayFeature, (v: GatewayVersion) => boolean> = {
  'configure-session': (v) => v >= 2,
  'complete-statement': (v) => v >= 2,
  'row-format': (v) => v >= 2,
  refresh: (v) => v === 3,
  scripts: (v) => v === 4,
};

export const hasFeature = (version: GatewayVersion, feature: GatewayFeature): boolean => SINCE[feature](version);

/** Flink names versions `V1`…; `/api_versions` lists them so. */
export const versionName = (v: GatewayVersion): string => `V${v}`;
