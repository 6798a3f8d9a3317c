import { parseTarget, withClient } from './connection.ts';
import { mapPgError } from './errors.ts';
import { migrate } from './migrate.ts';

/**
 * Creates or migrates a store's schema without opening the store: for what lives beside the log in the same schema
 * (the read model), which may be opened first. Answers the schema's name.
 */
export async function preparePostgresSchema(options: { connectionString: string; schema?: string; connectTimeoutMs?: number }): Promise<string> {
  const target = parseTarget(options.connectionString, options.schema);
  try {
    await withClient(target, options.connectTimeoutMs ?? 5_000, (client) => migrate(client, target));
  } catch (error) {
    throw mapPgError(error, target.label, 'opening it');
  }
  return target.schema;
}
