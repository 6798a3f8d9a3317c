import { describe, expect, it } from 'vitest';
import { InvalidIdentifierError, InvalidQueryError, UnknownCatalogError, buildRefreshStatements, quoteIdent } from '../../src/refresh/warehouse/index.ts';
import { toDuckDbName } from '../../src/refresh/warehouse/identifiers.ts';

describe('buildRefreshStatements', () => {
  it('quotes partition keys and binds their values in order', () => {
    const s = buildRefreshStatements('"freshet"."default"."t"', 'SELECT * FROM src;  ', { ds: "2024'; DROP", 'we"ird': 'x' });
    expect(s.delete).toEqual({ sql: 'DELETE FROM "freshet"."default"."t"\nWHERE "ds" = $1 AND "we""ird" = $2', params: ["2024'; DROP", 'x'] });
    expect(s.insert.sql).toBe(
      'INSERT INTO "freshet"."default"."t"\nSELECT * FROM (\nSELECT * FROM src\n) AS "__freshet_source"\nWHERE "__freshet_source"."ds" = $1 AND "__freshet_source"."we""ird" = $2',
    );
    expect(s.insert.params).toEqual(s.delete.params);
  });

  it('overwrites everything when no partition is given', () => {
    const s = buildRefreshStatements('"t"', 'SELECT 1 -- trailing comment', {});
    expect(s.delete).toEqual({ sql: 'DELETE FROM "t"', params: [] });
    expect(s.insert.sql).toBe('INSERT INTO "t"\nSELECT * FROM (\nSELECT 1 -- trailing comment\n) AS "__freshet_source"');
  });

  it('rejects an empty query and an empty partition key', () => {
    expect(() => buildRefreshStatements('"t"', ' ; ', {})).toThrow(InvalidQueryError);
    expect(() => buildRefreshStatements('"t"', 'SELECT 1', { '': 'x' })).toThrow(InvalidIdentifierError);
  });
});

describe('identifier mapping', () => {
  it('maps freshet.<database>.<table> to the quoted DuckDB name', () => {
    expect(toDuckDbName({ catalog: 'freshet', database: 'default', table: 'a"b' }).qualified).toBe('"freshet"."default"."a""b"');
  });

  it('treats names differing only in case as one table, as DuckDB does', () => {
    const lower = toDuckDbName({ catalog: 'freshet', database: 'Sales', table: 'T' });
    expect(lower.lockKey).toBe(toDuckDbName({ catalog: 'FRESHET', database: 'sales', table: 't' }).lockKey);
  });

  it('rejects unknown catalogs, empty names and NUL characters with what to fix', () => {
    expect(() => toDuckDbName({ catalog: 'hive', database: 'd', table: 't' })).toThrow(UnknownCatalogError);
    expect(() => toDuckDbName({ catalog: 'freshet', database: '', table: 't' })).toThrow(/database name is empty/);
    expect(() => quoteIdent('a\0b')).toThrow(/NUL character/);
  });
});
