/** Keys Flink never copies into a workflow's initConfig: the gateway's own download dir and scheduler settings. */
const EXCLUDED_KEY = 'table.resources.download-dir';
const EXCLUDED_PREFIX = 'workflow-scheduler';

/**
 * Flink's rule for the initConfig of a workflow created by CREATE MATERIALIZED TABLE: the session's configuration
 * minus the entries equal to the gateway's defaults (same key and value), minus `table.resources.download-dir` and
 * every `workflow-scheduler*` key. Each fire opens its refresh session with these properties.
 */
export function workflowInitConfig(session: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(session).filter(([key, value]) => defaults[key] !== value && key !== EXCLUDED_KEY && !key.startsWith(EXCLUDED_PREFIX)),
  );
}
