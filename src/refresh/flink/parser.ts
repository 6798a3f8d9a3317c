import { Cursor } from './cursor.ts';
import { FlinkValidationError } from './errors.ts';
import { FRESHET_DEFAULTS, qualify, readIdentifier, readPart, type IdentifierDefaults, type ObjectIdentifier } from './identifier.ts';
import { Lexer, type Token } from './lexer.ts';
import { readOptions, readPartitionSpec } from './literals.ts';
import { parseCreate, readFreshness, readQuery, withPosition } from './parse-create.ts';
import { convertFreshnessToCron, freshnessFromIntervalLiteral } from './freshness.ts';
import { parseDescribe, parseShowCreate, parseShowTables } from './parse-show.ts';
import type { DropTable, Statement } from './statement.ts';

/**
 * Parses one statement. Flink's materialized-table DDL (CREATE / ALTER ... SUSPEND | RESUME |
 * REFRESH / DROP MATERIALIZED TABLE) becomes a typed statement; anything else is returned as
 * `{ kind: 'sql' }` for DuckDB. Unqualified names resolve against `defaults`.
 */
export function parseStatement(sql: string, defaults: IdentifierDefaults = FRESHET_DEFAULTS): Statement {
  const cursor = new Cursor(new Lexer(sql));
  const target = classify(cursor);
  switch (target) {
    case 'sql': {
      // Only a batch can hide a DROP TABLE after its first statement: others are not lexed past their head.
      const drops = sql.includes(';') && /drop/i.test(sql) ? laterDropTables(cursor.lexer, sql, defaults) : [];
      return drops.length > 0 ? { kind: 'sql', sql, drops } : { kind: 'sql', sql };
    }
    case 'create':
      return parseCreate(cursor, defaults);
    case 'alter':
      return parseAlter(cursor, defaults);
    case 'drop':
      return parseDrop(cursor, defaults);
    case 'drop-table':
      return parseDropTable(cursor, sql, defaults);
    case 'show-tables':
      return parseShowTables(cursor, defaults);
    case 'show-create':
      return parseShowCreate(cursor, defaults);
    case 'describe':
      return parseDescribe(cursor, sql, defaults);
    default: {
      const never: never = target;
      return never;
    }
  }
}

type Target = 'create' | 'alter' | 'drop' | 'drop-table' | 'show-tables' | 'show-create' | 'describe' | 'sql';

/** Looks only at the first words, so statements in DuckDB's own dialect are never lexed further. */
function classify(cursor: Cursor): Target {
  try {
    if (cursor.isWord('CREATE') && cursor.isWord('OR', 1) && cursor.isWord('MATERIALIZED', 3)) {
      const t = cursor.peek(1);
      throw new FlinkValidationError(
        `CREATE OR ${cursor.peek(2).raw.toUpperCase()} MATERIALIZED TABLE is not supported by freshet; use CREATE MATERIALIZED TABLE (DROP the table first to redefine it).`,
        cursor.lexer.position(t.start),
      );
    }
    if (cursor.isWord('DROP') && cursor.isWord('TABLE', 1)) return 'drop-table';
    if (cursor.isWord('SHOW') && cursor.isWord('MATERIALIZED', 1)) return 'show-tables';
    if (cursor.isWord('SHOW') && cursor.isWord('CREATE', 1) && cursor.isWord('MATERIALIZED', 2)) return 'show-create';
    if (cursor.isWord('DESCRIBE') || cursor.isWord('DESC')) return 'describe';
    if (!cursor.isWord('MATERIALIZED', 1)) return 'sql';
    if (cursor.isWord('CREATE')) return 'create';
    if (cursor.isWord('ALTER')) return 'alter';
    if (cursor.isWord('DROP')) return 'drop';
    return 'sql';
  } catch (error) {
    if (error instanceof FlinkValidationError) throw error;
    // The head does not even lex (say, an unterminated comment): not ours, DuckDB will report it.
    return 'sql';
  }
}

function parseAlter(cursor: Cursor, defaults: IdentifierDefaults): Statement {
  cursor.expectWords('ALTER MATERIALIZED TABLE', 'ALTER', 'MATERIALIZED', 'TABLE');
  const identifier = readIdentifier(cursor.lexer, defaults);
  const action = cursor.peek();
  let statement: Statement;
  if (cursor.acceptWord('SUSPEND')) {
    statement = { kind: 'suspend', identifier };
  } else if (cursor.acceptWord('RESUME')) {
    const options = cursor.acceptWord('WITH') ? readOptions(cursor) : {};
    statement = { kind: 'resume', identifier, options };
  } else if (cursor.acceptWord('REFRESH')) {
    statement = { kind: 'refresh', identifier, partition: readPartitionSpec(cursor) };
  } else if (cursor.isWord('SET') && cursor.isWord('FRESHNESS', 1)) {
    cursor.expectWords('SET', 'SET');
    const interval = readFreshness(cursor);
    const at = cursor.lexer.position(interval.at.start);
    const freshness = withPosition(at, () => freshnessFromIntervalLiteral(interval));
    statement = { kind: 'alter-freshness', identifier, freshness, cronExpression: withPosition(at, () => convertFreshnessToCron(freshness)) };
  } else if (cursor.isWord('SET') || cursor.isWord('RESET')) {
    // Flink's grammar has SET (…), RESET (…) and SET REFRESH_MODE, but its planner converts none of them.
    throw new FlinkValidationError(
      `ALTER MATERIALIZED TABLE … ${action.value} ${cursor.peek(1).raw} is not supported (Flink does not run it either). Supported: SUSPEND, RESUME [WITH (…)], REFRESH [PARTITION (…)], SET FRESHNESS = INTERVAL '<n>' <unit>, AS <query>.`,
      cursor.lexer.position(action.start),
    );
  } else if (cursor.acceptWord('AS')) {
    return { kind: 'alter-query', identifier, query: readQuery(cursor) };
  } else {
    throw cursor.error(action, "SUSPEND, RESUME, REFRESH, SET FRESHNESS = INTERVAL '<n>' <unit> or AS <query>");
  }
  cursor.expectEnd();
  return statement;
}

function parseDrop(cursor: Cursor, defaults: IdentifierDefaults): Statement {
  cursor.expectWords('DROP MATERIALIZED TABLE', 'DROP', 'MATERIALIZED', 'TABLE');
  const ifExists = cursor.isWord('IF');
  if (ifExists) cursor.expectWords('IF EXISTS', 'IF', 'EXISTS');
  const identifier: ObjectIdentifier = readIdentifier(cursor.lexer, defaults);
  cursor.expectEnd();
  return { kind: 'drop', identifier, ifExists };
}

/**
 * `DROP TABLE [IF EXISTS] t` is read so that a materialized table is never dropped as a plain one (its workflow
 * would go on refreshing an orphan), in DuckDB's syntax too: several names, parts quoted `like this` or "like
 * this", `CASCADE` / `RESTRICT`. A DROP TABLE freshet cannot read is refused rather than passed on unchecked. One
 * followed by more statements is a batch for DuckDB, carrying every DROP TABLE in it.
 */
function parseDropTable(cursor: Cursor, sql: string, defaults: IdentifierDefaults): Statement {
  const first = readDropTable(cursor, sql, defaults);
  if (cursor.peek().kind === 'eof' || cursor.peek(1).kind === 'eof') return { ...first, sql };
  return { kind: 'sql', sql, drops: [first, ...laterDropTables(cursor.lexer, sql, defaults)] };
}

/**
 * A table name as DuckDB reads it (word, `quoted` or "quoted" parts), as the Flink identifiers it may denote: a
 * two-part name is a schema's table to DuckDB, or a catalog's default-schema table, so both are checked.
 */
function readDuckDbName(cursor: Cursor, defaults: IdentifierDefaults): ObjectIdentifier[] {
  const part = (): string => {
    const t = cursor.peek();
    if (t.kind !== 'dquoted') return readPart(cursor.lexer);
    cursor.lexer.next();
    return t.value;
  };
  const parts = [part()];
  while (cursor.acceptSymbol('.')) parts.push(part());
  const named = qualify(parts, defaults);
  if (parts.length !== 2) return [named];
  return [named, qualify([parts[0]!, defaults.database, parts[1]!], defaults)];
}

/**
 * The DROP TABLE statements of a batch after its first statement (`CREATE …; DROP TABLE t`), which DuckDB runs as
 * well: the first statement alone decides how a batch is parsed, so the later ones are found here. The scan stops
 * where the batch stops lexing as Flink's dialect (DuckDB's own string forms, say); a DROP TABLE it reaches and
 * cannot read is refused, as a first one is.
 */
function laterDropTables(lexer: Lexer, sql: string, defaults: IdentifierDefaults): DropTable[] {
  const drops: DropTable[] = [];
  for (;;) {
    let t: Token;
    try {
      t = lexer.next();
    } catch {
      return drops;
    }
    if (t.kind === 'eof') return drops;
    if (t.kind !== 'symbol' || t.value !== ';') continue;
    const cursor = new Cursor(lexer);
    let head = false;
    try {
      head = cursor.isWord('DROP') && cursor.isWord('TABLE', 1);
    } catch {
      return drops;
    }
    if (head) drops.push(readDropTable(cursor, sql, defaults));
  }
}

/** Reads one DROP TABLE up to its end or its `;` (left for the scan of what follows). */
function readDropTable(cursor: Cursor, sql: string, defaults: IdentifierDefaults): DropTable {
  const start = cursor.peek().start;
  cursor.expectWords('DROP TABLE', 'DROP', 'TABLE');
  const ifExists = cursor.isWord('IF');
  if (ifExists) cursor.expectWords('IF EXISTS', 'IF', 'EXISTS');
  const identifiers: ObjectIdentifier[] = [];
  let names = 0;
  do {
    identifiers.push(...readDuckDbName(cursor, defaults));
    names++;
  } while (cursor.acceptSymbol(','));
  if (!cursor.acceptWord('CASCADE')) cursor.acceptWord('RESTRICT');
  const end = cursor.peek();
  if (end.kind !== 'eof' && !(end.kind === 'symbol' && end.value === ';')) throw cursor.error(end, "',', CASCADE, RESTRICT, ';' or the end of the statement");
  return { kind: 'drop-table', identifier: identifiers[0]!, identifiers, names, ifExists, sql: sql.slice(start, end.start) };
}
