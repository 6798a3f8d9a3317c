import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATALOG,
  DEFAULT_DATABASE,
  FlinkSyntaxError,
  FlinkValidationError,
  asSerializableString,
  asSummaryString,
  parseIdentifier,
  parseStatement,
  type ObjectIdentifier,
} from '../../src/refresh/flink/index.ts';

const defaults = { catalog: 'cat', database: 'db' };

describe('parseIdentifier', () => {
  it('resolves one- and two-part names against the current catalog and database', () => {
    expect(parseIdentifier('t', defaults)).toEqual({ catalog: 'cat', database: 'db', table: 't' });
    expect(parseIdentifier('sales.t', defaults)).toEqual({ catalog: 'cat', database: 'sales', table: 't' });
    expect(parseIdentifier('c.d.t', defaults)).toEqual({ catalog: 'c', database: 'd', table: 't' });
  });

  it("defaults to freshet's catalog and database", () => {
    expect(DEFAULT_CATALOG).toBe('freshet');
    expect(DEFAULT_DATABASE).toBe('default');
    expect(parseIdentifier('t')).toEqual({ catalog: 'freshet', database: 'default', table: 't' });
  });

  it('keeps the case of unquoted names (Flink is case-sensitive)', () => {
    expect(parseIdentifier('MyCat.Sales.Orders', defaults)).toEqual({ catalog: 'MyCat', database: 'Sales', table: 'Orders' });
  });

  it('reads backquoted parts, with `` as an escaped backquote', () => {
    expect(parseIdentifier('`my``tab`', defaults).table).toBe('my`tab');
    expect(parseIdentifier('`a.b`.`c d`.`select`', defaults)).toEqual({ catalog: 'a.b', database: 'c d', table: 'select' });
    expect(parseIdentifier(' `c` . d /* x */ . `t` ', defaults)).toEqual({ catalog: 'c', database: 'd', table: 't' });
  });

  it('accepts the REST path form the scheduler sends', () => {
    expect(parseIdentifier('`freshet`.`default`.`orders_mt`', defaults)).toEqual({
      catalog: 'freshet',
      database: 'default',
      table: 'orders_mt',
    });
  });

  it("rejects more than three parts with Flink's message", () => {
    expect(() => parseIdentifier('a.b.c.d', defaults)).toThrow(
      new FlinkValidationError('Object identifier must consist of 1 to 3 parts.'),
    );
  });

  it("rejects empty and whitespace-only parts with Flink's message", () => {
    for (const text of ['` `', 'a.` `.c', '`\t`']) {
      expect(() => parseIdentifier(text, defaults)).toThrow('Parts of the object identifier are null or whitespace-only.');
    }
    // A no-break space is not whitespace to Java.
    expect(parseIdentifier('`\u00A0`', defaults).table).toBe('\u00A0');
  });

  it('names the position of syntax errors', () => {
    expect(() => parseIdentifier('', defaults)).toThrow('Syntax error at line 1, column 1: expected an identifier, found end of input');
    expect(() => parseIdentifier('a..b', defaults)).toThrow("Syntax error at line 1, column 3: expected an identifier, found '.'");
    expect(() => parseIdentifier('a.', defaults)).toThrow('column 3: expected an identifier, found end of input');
    expect(() => parseIdentifier('a b', defaults)).toThrow(
      "Syntax error at line 1, column 3: expected '.' or the end of the identifier, found 'b'",
    );
    expect(() => parseIdentifier('"t"', defaults)).toThrow('Flink quotes identifiers with backquotes');
  });

  it('reports an unterminated backquote at its opening', () => {
    const error = catchError(() => parseIdentifier('db.`orders', defaults));
    expect(error).toBeInstanceOf(FlinkSyntaxError);
    expect(error.message).toBe(
      'Syntax error at line 1, column 4: expected a closing backquote (`) for this identifier, found end of input',
    );
  });
});

describe('asSerializableString / asSummaryString', () => {
  const id: ObjectIdentifier = { catalog: 'c', database: 'd b', table: 'my`tab' };

  it('backquotes every part and doubles backquotes', () => {
    expect(asSerializableString(id)).toBe('`c`.`d b`.`my``tab`');
  });

  it('joins the raw parts with dots for the summary', () => {
    expect(asSummaryString(id)).toBe('c.d b.my`tab');
  });
});

describe('identifier round trip (property)', () => {
  const special = fc.constantFrom('`', '``', "'", '"', ';', '--', '/*', '*/', '.', ' ', '\n', '\t', 'é', '😀', '\u00A0', '\uD800');
  const part = fc
    .oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: special, minLength: 1 }))
    .filter((s) => !/^[\t\n\u000B\f\r\u001C-\u001F\p{Zs}\u2028\u2029]*$/u.test(s) || /[\u00A0\u2007\u202F]/.test(s));
  const identifier = fc.record({ catalog: part, database: part, table: part });

  it('any part survives asSerializableString → parseIdentifier unchanged', () => {
    fc.assert(
      fc.property(identifier, (id) => {
        expect(parseIdentifier(asSerializableString(id), defaults)).toEqual(id);
      }),
      { numRuns: 500 },
    );
  });

  it('any part survives inside a statement', () => {
    fc.assert(
      fc.property(identifier, (id) => {
        const statement = parseStatement(`DROP MATERIALIZED TABLE ${asSerializableString(id)};`);
        expect(statement).toEqual({ kind: 'drop', identifier: id, ifExists: false });
      }),
      { numRuns: 300 },
    );
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
