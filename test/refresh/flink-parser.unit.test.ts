import { describe, expect, it } from 'vitest';
import { FlinkSyntaxError, FlinkValidationError, parseStatement } from '../../src/refresh/flink/index.ts';

const id = (table: string, database = 'default', catalog = 'freshet') => ({ catalog, database, table });

function errorOf(sql: string): Error {
  try {
    parseStatement(sql);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('CREATE MATERIALIZED TABLE', () => {
  it('parses the minimal form with FULL refresh and its cron', () => {
    expect(parseStatement("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE AS SELECT 1")).toEqual({
      kind: 'create',
      identifier: id('t'),
      ifNotExists: false,
      partitionKeys: [],
      options: {},
      freshness: { interval: 5, unit: 'MINUTE' },
      refreshMode: 'FULL',
      cronExpression: '0 0/5 * * * ? *',
      query: 'SELECT 1',
    });
  });

  it('parses every clause, case-insensitively, keeping the query verbatim', () => {
    const sql = `create Materialized TABLE IF NOT EXISTS \`cat\`.db.\`my\`\`mt\`
      (id INT, CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED)
      COMMENT 'it''s daily'
      PARTITIONED BY (ds, \`hr\`)
      WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd', 'format' = 'parquet')
      FRESHNESS = INTERVAL '1' DAY
      REFRESH_MODE = full
      AS SELECT ds, hr, count(*) AS n -- per hour
         FROM orders WHERE note <> ';'
         GROUP BY ds, hr;  -- done
    `;
    const statement = parseStatement(sql);
    expect(statement).toMatchObject({
      kind: 'create',
      identifier: id('my`mt', 'db', 'cat'),
      ifNotExists: true,
      comment: "it's daily",
      schemaSql: '(id INT, CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED)',
      partitionKeys: ['ds', 'hr'],
      options: { 'partition.fields.ds.date-formatter': 'yyyy-MM-dd', format: 'parquet' },
      freshness: { interval: 1, unit: 'DAY' },
      refreshMode: 'FULL',
      cronExpression: '0 0 0 * * ? *',
    });
    expect(statement.kind === 'create' && statement.query).toBe(
      "SELECT ds, hr, count(*) AS n -- per hour\n         FROM orders WHERE note <> ';'\n         GROUP BY ds, hr",
    );
  });

  it('accepts WITH, VALUES, FROM and parenthesised queries, and a last option value winning', () => {
    const q = (query: string) => parseStatement(`CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' HOUR AS ${query}`);
    expect(q('WITH x AS (SELECT 1) SELECT * FROM x')).toMatchObject({ query: 'WITH x AS (SELECT 1) SELECT * FROM x' });
    expect(q('VALUES (1)')).toMatchObject({ query: 'VALUES (1)' });
    expect(q('FROM src')).toMatchObject({ query: 'FROM src' });
    expect(q('(SELECT 1) /* trailing */ ;')).toMatchObject({ query: '(SELECT 1)' });
    expect(
      parseStatement("CREATE MATERIALIZED TABLE t WITH ('k'='1','k'='2') FRESHNESS = INTERVAL '1' HOUR AS SELECT 1"),
    ).toMatchObject({ options: { k: '2' } });
  });

  it('skips comments anywhere between tokens', () => {
    const sql = "/* lead */ CREATE -- c\n MATERIALIZED /* x */ TABLE t FRESHNESS /**/ = INTERVAL '30' SECOND AS SELECT 1";
    expect(parseStatement(sql)).toMatchObject({ identifier: id('t'), cronExpression: '0/30 * * * * ? *' });
  });

  it('accepts interval precision and an explicit plus sign', () => {
    expect(
      parseStatement("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL +'2' HOUR(2) AS SELECT 1"),
    ).toMatchObject({ freshness: { interval: 2, unit: 'HOUR' }, cronExpression: '0 0 0/2 * * ? *' });
  });

  it('refuses CONTINUOUS refresh, saying how to fix it', () => {
    const error = errorOf("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE REFRESH_MODE = CONTINUOUS AS SELECT 1");
    expect(error).toBeInstanceOf(FlinkValidationError);
    expect(error.message).toBe(
      'REFRESH_MODE = CONTINUOUS is not supported: freshet supports only FULL (batch) refresh. Drop REFRESH_MODE or use REFRESH_MODE = FULL.',
    );
    expect((error as FlinkValidationError).position).toMatchObject({ line: 1, column: 76 });
  });

  it.each([
    ["INTERVAL -'30' SECOND", "Materialized table freshness doesn't support negative value."],
    ["INTERVAL '30' YEAR", 'Materialized table freshness only support SECOND, MINUTE, HOUR, DAY as the time unit.'],
    ["INTERVAL '30' DAY TO HOUR", 'Materialized table freshness only support SECOND, MINUTE, HOUR, DAY as the time unit.'],
    ["INTERVAL '2.5' SECOND", 'The freshness interval currently only supports positive integer type values. But was: 2.5'],
    ["INTERVAL '2efedd' MINUTE", 'The freshness interval currently only supports positive integer type values. But was: 2efedd'],
    ["INTERVAL '0' HOUR", 'The freshness interval currently only supports positive integer type values. But was: 0'],
    ["INTERVAL '40' MINUTE", 'In full refresh mode, only freshness that are factors of 60 are currently supported when the time unit is MINUTE.'],
    ["INTERVAL '60' SECOND", 'In full refresh mode, freshness must be less than 60 when the time unit is SECOND.'],
    ["INTERVAL '24' HOUR", 'In full refresh mode, freshness must be less than 24 when the time unit is HOUR.'],
    ["INTERVAL '2' DAY", 'In full refresh mode, freshness must be 1 when the time unit is DAY.'],
  ])("rejects FRESHNESS = %s with Flink's message", (interval, message) => {
    const error = errorOf(`CREATE MATERIALIZED TABLE t\nFRESHNESS = ${interval}\nAS SELECT 1`);
    expect(error).toBeInstanceOf(FlinkValidationError);
    expect(error.message).toBe(message);
    expect((error as FlinkValidationError).position).toMatchObject({ line: 2, column: 13 });
  });

  it('reports syntax errors before freshness errors, as Flink parses first', () => {
    expect(errorOf("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '40' MINUTE SELECT 1")).toBeInstanceOf(FlinkSyntaxError);
  });
});

describe('syntax errors name the line, column and what was expected', () => {
  it.each([
    [
      'CREATE MATERIALIZED TABLE t PARTITION BY (ds)',
      "Syntax error at line 1, column 29: expected FRESHNESS = INTERVAL '<n>' <unit> (or '(', COMMENT, PARTITIONED BY, WITH before it), found 'PARTITION'",
    ],
    [
      "CREATE MATERIALIZED TABLE t PARTITIONED BY (ds) COMMENT 'x'",
      "Syntax error at line 1, column 49: expected FRESHNESS = INTERVAL '<n>' <unit> (or WITH before it), found 'COMMENT'",
    ],
    ["CREATE MATERIALIZED TABLE t FRESHNESS INTERVAL '1' DAY AS SELECT 1", "column 39: expected '=' (FRESHNESS = INTERVAL '<n>' <unit>), found 'INTERVAL'"],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = '1' DAY AS SELECT 1", "column 41: expected INTERVAL '<n>' <unit> (FRESHNESS = INTERVAL '<n>' <unit>), found ''1''"],
    ['CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL 5 MINUTE AS SELECT 1', "column 50: expected the freshness as a quoted number, e.g. '5', found '5'"],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTES AS SELECT 1", 'column 54: expected a time unit: SECOND, MINUTE, HOUR or DAY, found \'MINUTES\''],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE REFRESH_MODE = BATCH AS SELECT 1", "column 76: expected FULL or CONTINUOUS, found 'BATCH'"],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE SELECT 1", "column 61: expected AS <query> (or REFRESH_MODE = FULL before it), found 'SELECT'"],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE REFRESH_MODE = FULL", 'column 80: expected AS <query>, found end of input'],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE AS", 'column 63: expected a query after AS (SELECT, WITH, VALUES, FROM or TABLE), found end of input'],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE AS DELETE FROM x", "column 64: expected a query after AS (SELECT, WITH, VALUES, FROM or TABLE), found 'DELETE'"],
    ["CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '5' MINUTE AS SELECT 1; SELECT 2", "column 74: expected the end of the statement (one statement at a time), found 'SELECT'"],
    ['CREATE MATERIALIZED TABLE IF EXISTS t', "column 30: expected IF NOT EXISTS, found 'EXISTS'"],
    ["CREATE MATERIALIZED TABLE t WITH ('a' 'b')", "column 39: expected '=', found ''b''"],
    ["CREATE MATERIALIZED TABLE t WITH (a = 'b')", "column 35: expected an option key as a string literal, e.g. 'k', found 'a'"],
    ["CREATE MATERIALIZED TABLE t WITH ('a' = 'b'", "column 44: expected ',' or ')', found end of input"],
    ['CREATE MATERIALIZED TABLE t (id INT', "column 36: expected ')' to close the column list, found end of input"],
    ["CREATE MATERIALIZED TABLE t COMMENT 'unterminated", "column 37: expected a closing quote (') for this string, found end of input"],
    ['CREATE MATERIALIZED TABLE /* never closed', 'column 27: expected the end of this /* comment (*/), found end of input'],
    ['CREATE MATERIALIZED VIEW v AS SELECT 1', "column 21: expected CREATE MATERIALIZED TABLE, found 'VIEW'"],
    ['ALTER MATERIALIZED TABLE t PAUSE', "column 28: expected SUSPEND, RESUME, REFRESH, SET FRESHNESS = INTERVAL '<n>' <unit> or AS <query>, found 'PAUSE'"],
    ["ALTER MATERIALIZED TABLE t SET FRESHNESS INTERVAL '1' HOUR", "column 42: expected '=' (FRESHNESS = INTERVAL '<n>' <unit>), found 'INTERVAL'"],
    ['ALTER MATERIALIZED TABLE t SUSPEND NOW', "column 36: expected ';' or the end of the statement, found 'NOW'"],
    ['ALTER MATERIALIZED TABLE t REFRESH PARTITION ()', "column 47: expected an identifier, found ')'"],
    ['ALTER MATERIALIZED TABLE t REFRESH PARTITION (ds)', "column 49: expected '=', found ')'"],
    ['ALTER MATERIALIZED TABLE t REFRESH PARTITION (ds = x)', "column 52: expected a literal ('text', a number, TRUE or FALSE), found 'x'"],
    ["ALTER MATERIALIZED TABLE t RESUME WITH ('k' = 1)", "column 47: expected an option value as a string literal, e.g. 'v', found '1'"],
    ['DROP MATERIALIZED TABLE', 'column 24: expected an identifier, found end of input'],
    ['DROP MATERIALIZED TABLE IF t', "column 28: expected IF EXISTS, found 't'"],
  ])('%s', (sql, message) => {
    const error = errorOf(sql);
    expect(error).toBeInstanceOf(FlinkSyntaxError);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/^Syntax error at line \d+, column \d+: expected /);
  });

  it('counts lines and columns across newlines', () => {
    const error = errorOf("CREATE MATERIALIZED TABLE t\n  WITH ('a' = 'b')\n  PARTITIONED BY (ds) AS SELECT 1") as FlinkSyntaxError;
    expect(error.message).toBe("Syntax error at line 3, column 3: expected FRESHNESS = INTERVAL '<n>' <unit>, found 'PARTITIONED'");
    expect(error.position).toEqual({ offset: 49, line: 3, column: 3 });
    expect(error.expected).toBe("FRESHNESS = INTERVAL '<n>' <unit>");
    expect(error.found).toBe("'PARTITIONED'");
  });

  it('FRESHNESS may be left out in FULL mode (Flink 2.2: 1 hour); without REFRESH_MODE either, Flink would go CONTINUOUS', () => {
    expect(parseStatement("CREATE MATERIALIZED TABLE t WITH ('a' = 'b') REFRESH_MODE = FULL AS SELECT 1")).toMatchObject({
      freshness: { interval: 1, unit: 'HOUR' },
      defaultFreshness: true,
      cronExpression: '0 0 0/1 * * ? *',
    });
    const error = errorOf("CREATE MATERIALIZED TABLE t WITH ('a' = 'b')\n AS SELECT 1") as FlinkValidationError;
    expect(error).toBeInstanceOf(FlinkValidationError);
    expect(error.message).toMatch(/^Without FRESHNESS and REFRESH_MODE, Flink creates a CONTINUOUS table/);
    expect(error.position).toMatchObject({ line: 2, column: 2 });
  });

  it('refuses CREATE OR ALTER / OR REPLACE MATERIALIZED TABLE with a pointer to the fix', () => {
    expect(errorOf("CREATE OR ALTER MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' DAY AS SELECT 1").message).toBe(
      'CREATE OR ALTER MATERIALIZED TABLE is not supported by freshet; use CREATE MATERIALIZED TABLE (DROP the table first to redefine it).',
    );
  });
});

describe('ALTER MATERIALIZED TABLE', () => {
  it('parses SUSPEND', () => {
    expect(parseStatement('alter materialized table db.t suspend;')).toEqual({ kind: 'suspend', identifier: id('t', 'db') });
  });

  it('parses RESUME with and without options', () => {
    expect(parseStatement('ALTER MATERIALIZED TABLE t RESUME')).toEqual({ kind: 'resume', identifier: id('t'), options: {} });
    expect(parseStatement("ALTER MATERIALIZED TABLE t RESUME WITH ('sink.parallelism' = '10', 'x' = 'it''s')")).toEqual({
      kind: 'resume',
      identifier: id('t'),
      options: { 'sink.parallelism': '10', x: "it's" },
    });
  });

  it('parses REFRESH with and without a partition, turning literals into strings as Flink does', () => {
    expect(parseStatement('ALTER MATERIALIZED TABLE t REFRESH')).toEqual({ kind: 'refresh', identifier: id('t'), partition: {} });
    const statement = parseStatement(
      "ALTER MATERIALIZED TABLE t REFRESH PARTITION (ds = '2024-01-01', hr = 5, `p q` = 05, r = -0.50, s = .5, n = -0, b = TRUE, d = DATE '2024-02-01')",
    );
    expect(statement).toEqual({
      kind: 'refresh',
      identifier: id('t'),
      partition: { ds: '2024-01-01', hr: '5', 'p q': '5', r: '-0.50', s: '0.5', n: '0', b: 'true', d: '2024-02-01' },
    });
  });

  it('refuses NULL and approximate partition values with a hint', () => {
    expect(errorOf('ALTER MATERIALIZED TABLE t REFRESH PARTITION (ds = NULL)').message).toBe(
      'A partition value cannot be NULL; give the partition as a literal value.',
    );
    expect(errorOf('ALTER MATERIALIZED TABLE t REFRESH PARTITION (x = 1e3)').message).toContain('write it as a string literal');
  });
});

describe('DROP MATERIALIZED TABLE', () => {
  it('parses with and without IF EXISTS', () => {
    expect(parseStatement('DROP MATERIALIZED TABLE c.d.t')).toEqual({ kind: 'drop', identifier: id('t', 'd', 'c'), ifExists: false });
    expect(parseStatement('drop materialized table if exists t ;')).toEqual({ kind: 'drop', identifier: id('t'), ifExists: true });
  });

  it('resolves names against the given defaults', () => {
    expect(parseStatement('DROP MATERIALIZED TABLE t', { catalog: 'k', database: 'sales' })).toMatchObject({
      identifier: { catalog: 'k', database: 'sales', table: 't' },
    });
  });
});

describe('everything else is plain SQL for DuckDB', () => {
  it.each([
    'SELECT 1;',
    'CREATE TABLE t AS SELECT 1',
    'CREATE VIEW materialized AS SELECT 1',
    "INSERT INTO t VALUES ('CREATE MATERIALIZED TABLE')",
    '-- only a comment',
    '',
    "SELECT $$it's$$",
    '/* unterminated',
    'CREATE "MATERIALIZED" TABLE x (a INT)',
  ])('%j', (sql) => {
    expect(parseStatement(sql)).toEqual({ kind: 'sql', sql });
  });
});

describe('DROP TABLE', () => {
  it("is read in Flink's form so a materialized table is not dropped as a plain one", () => {
    // A two-part name is a schema's table to DuckDB, or a catalog's default-schema table: both are checked.
    expect(parseStatement('DROP TABLE IF EXISTS db.t')).toEqual({ kind: 'drop-table', identifier: id('t', 'db'), identifiers: [id('t', 'db'), { catalog: 'db', database: 'default', table: 't' }], names: 1, ifExists: true, sql: 'DROP TABLE IF EXISTS db.t' });
    expect(parseStatement('DROP TABLE `t`;')).toMatchObject({ kind: 'drop-table', identifier: id('t'), ifExists: false });
  });

  it("is read in DuckDB's forms too (\"quoted\" parts, several names, CASCADE), and found after a batch's first statement", () => {
    expect(parseStatement('DROP TABLE "quoted" CASCADE')).toMatchObject({ kind: 'drop-table', identifiers: [id('quoted')], names: 1 });
    expect(parseStatement('drop table if exists a, "x"."y" restrict')).toMatchObject({ kind: 'drop-table', ifExists: true, names: 2, identifiers: [id('a'), id('y', 'x'), { catalog: 'x', database: 'default', table: 'y' }] });
    expect(parseStatement('SELECT 1; DROP TABLE "t"; SELECT 2')).toMatchObject({ kind: 'sql', drops: [{ identifiers: [id('t')], sql: 'DROP TABLE "t"' }] });
    expect(parseStatement('DROP TABLE a; DROP TABLE b')).toMatchObject({ kind: 'sql', drops: [{ identifiers: [id('a')] }, { identifiers: [id('b')] }] });
    expect(() => parseStatement('DROP TABLE t WHATEVER')).toThrow("',', CASCADE, RESTRICT, ';' or the end of the statement");
    expect(parseStatement("SELECT 'a;b' AS drop_me")).toEqual({ kind: 'sql', sql: "SELECT 'a;b' AS drop_me" });
  });
});

describe('ALTER MATERIALIZED TABLE … SET FRESHNESS / AS', () => {
  it('reads the new freshness (validated as at CREATE) and the new query', () => {
    expect(parseStatement("ALTER MATERIALIZED TABLE t SET FRESHNESS = INTERVAL '2' HOUR")).toEqual({ kind: 'alter-freshness', identifier: id('t'), freshness: { interval: 2, unit: 'HOUR' }, cronExpression: '0 0 0/2 * * ? *' });
    expect(() => parseStatement("ALTER MATERIALIZED TABLE t SET FRESHNESS = INTERVAL '2' DAY")).toThrow('In full refresh mode, freshness must be 1 when the time unit is DAY.');
    expect(parseStatement('ALTER MATERIALIZED TABLE t AS SELECT 1 AS x;')).toEqual({ kind: 'alter-query', identifier: id('t'), query: 'SELECT 1 AS x' });
    expect(() => parseStatement("ALTER MATERIALIZED TABLE t SET REFRESH_MODE = FULL")).toThrow(/SET REFRESH_MODE is not supported/);
  });
});
