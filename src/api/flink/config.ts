/** Flink's placeholder for a hidden configuration value (GlobalConfiguration.HIDDEN_CONTENT). */
export const HIDDEN_CONTENT = '******';

// Flink's GlobalConfiguration.SENSITIVE_KEYS: a key containing any of these (ignoring case) is sensitive.
const SENSITIVE = ['password', 'secret', 'fs.azure.account.key', 'apikey', 'api-key', 'auth-params', 'service-key', 'token', 'basic-auth', 'jaas.config', 'http-headers'];

export const isSensitive = (key: string): boolean => {
  const lower = key.toLowerCase();
  return SENSITIVE.some((word) => lower.includes(word));
};

/** The configuration as Flink shows it: sensitive values replaced by `******`. */
export function maskSensitive(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isSensitive(k) ? HIDDEN_CONTENT : v]));
}
