import { quoteIdent } from '../identifiers.ts';
import { InvalidQueryError } from '../errors.ts';

export interface BoundStatement {
  sql: string;
  params: string[];
}

export interface RefreshStatements {
  delete: BoundStatement;
  insert: BoundStatement;
}

const SOURCE_ALIAS = quoteIdent('__freshet_source');

/**
 * Flink builds `INSERT OVERWRITE t SELECT * FROM (q) WHERE k = 'v'` by pasting keys and values.
 * We quote every key and bind every value, so a hostile partition spec can only ever be a value.
 * The definition query is the user's own SQL and is embedded as a subquery on purpose; a newline
 * before the closing parenthesis keeps a trailing `-- comment` from swallowing it.
 */
export function buildRefreshStatements(target: string, query: string, partitions: Record<string, string>): RefreshStatements {
  const keys = Object.keys(partitions);
  const params = keys.map((key) => partitions[key] ?? '');
  const predicate = (qualifier: string) =>
    keys.map((key, i) => `${qualifier}${quoteIdent(key, 'partition column')} = $${i + 1}`).join(' AND ');
  const where = (qualifier: string) => (keys.length === 0 ? '' : `\nWHERE ${predicate(qualifier)}`);
  return {
    delete: { sql: `DELETE FROM ${target}${where('')}`, params },
    insert: {
      sql: `INSERT INTO ${target}\nSELECT * FROM (\n${normalizeQuery(query)}\n) AS ${SOURCE_ALIAS}${where(`${SOURCE_ALIAS}.`)}`,
      params,
    },
  };
}

/** Trims the query and drops trailing semicolons, which would end the subquery's statement early. */
export function normalizeQuery(query: string): string {
  const trimmed = query.trim().replace(/[;\s]+$/, '');
  if (trimmed.length === 0) throw new InvalidQueryError('The definition query is empty; give a SELECT statement.');
  return trimmed;
}
