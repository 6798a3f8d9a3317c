import { describe, expect, it } from 'vitest';
import {
  FlinkExecutionError,
  FlinkValidationError,
  compileDateFormat,
  formatTimestampStringWithOffset,
  formatWallClock,
  getPeriodRefreshPartition,
  validateFormatterOptions,
  validatePartitionSpec,
  type FreshnessUnit,
} from '../../src/refresh/flink/index.ts';

const table = { catalog: 'c', database: 'd', table: 't' };
const fmt = (col: string) => `partition.fields.${col}.date-formatter`;
const day = { interval: 1, unit: 'DAY' as FreshnessUnit };
const every = (interval: number, unit: FreshnessUnit) => ({ interval, unit });

describe('getPeriodRefreshPartition', () => {
  it('refreshes the previous day for a daily table (not the day of the fire time)', () => {
    expect(getPeriodRefreshPartition('2024-01-01 00:00:00', day, table, { [fmt('ds')]: 'yyyy-MM-dd' }, 'UTC')).toEqual({
      ds: '2023-12-31',
    });
  });

  it('crosses hour, minute and second boundaries, and leap days', () => {
    const options = { [fmt('ds')]: 'yyyy-MM-dd', [fmt('hh')]: 'HH', [fmt('ts')]: 'yyyy-MM-dd HH:mm:ss' };
    expect(getPeriodRefreshPartition('2024-01-01 00:00:00', every(1, 'HOUR'), table, options, 'UTC')).toEqual({
      ds: '2023-12-31',
      hh: '23',
      ts: '2023-12-31 23:00:00',
    });
    expect(getPeriodRefreshPartition('2024-03-01 00:00:00', every(15, 'MINUTE'), table, options, 'UTC')).toMatchObject({
      ts: '2024-02-29 23:45:00',
    });
    expect(getPeriodRefreshPartition('2024-01-01 00:00:00', every(30, 'SECOND'), table, options, 'UTC')).toMatchObject({
      ts: '2023-12-31 23:59:30',
    });
    expect(getPeriodRefreshPartition('2024-06-15 13:00:00', every(6, 'HOUR'), table, options, 'UTC')).toEqual({
      ds: '2024-06-15',
      hh: '07',
      ts: '2024-06-15 07:00:00',
    });
  });

  it('reads and writes wall-clock time in the given zone', () => {
    const options = { [fmt('ds')]: 'yyyyMMdd', [fmt('hm')]: "HH'h'mm" };
    expect(getPeriodRefreshPartition('2024-01-01 00:15:00', every(30, 'MINUTE'), table, options, 'Asia/Kolkata')).toEqual({
      ds: '20231231',
      hm: '23h45',
    });
    expect(getPeriodRefreshPartition('2024-01-01 08:00:00', day, table, options, 'Asia/Shanghai')).toEqual({
      ds: '20231231',
      hm: '08h00',
    });
    expect(getPeriodRefreshPartition('2024-01-01 08:00:00', day, table, options, '+08:00')).toEqual({
      ds: '20231231',
      hm: '08h00',
    });
  });

  it('subtracts a DAY as 86,400,000 ms across DST, as Flink does (23:00 the day before spring-forward)', () => {
    const options = { [fmt('ds')]: 'yyyy-MM-dd', [fmt('hh')]: 'HH' };
    // New York springs forward on 2024-03-10: 24 h before midnight EDT is 23:00 EST on the 9th.
    expect(getPeriodRefreshPartition('2024-03-11 00:00:00', day, table, options, 'America/New_York')).toEqual({
      ds: '2024-03-09',
      hh: '23',
    });
    // ...and falls back on 2024-11-03: 24 h before midnight EST is 01:00 EDT on the 3rd.
    expect(getPeriodRefreshPartition('2024-11-04 00:00:00', day, table, options, 'America/New_York')).toEqual({
      ds: '2024-11-03',
      hh: '01',
    });
  });

  it("reads wall times in a DST gap or overlap as Java's calendar does", () => {
    const options = { [fmt('hm')]: 'HH:mm' };
    // 02:30 does not exist on 2024-03-10 in New York: Java reads it as 03:30 EDT (07:30Z); minus 1 h is 01:30 EST.
    expect(getPeriodRefreshPartition('2024-03-10 02:30:00', every(1, 'HOUR'), table, options, 'America/New_York')).toEqual({
      hm: '01:30',
    });
    // 01:30 happens twice on 2024-11-03: Java takes the later one (EST, 06:30Z); minus 1 h is 01:30 EDT.
    expect(getPeriodRefreshPartition('2024-11-03 01:30:00', every(1, 'HOUR'), table, options, 'America/New_York')).toEqual({
      hm: '01:30',
    });
  });

  it('returns no partition when the table has no formatter options (the whole table is overwritten)', () => {
    expect(getPeriodRefreshPartition('2024-01-01 00:00:00', day, table, { format: 'parquet' }, 'UTC')).toEqual({});
  });

  it("fails with Flink's message when the schedule time is missing", () => {
    for (const missing of [null, undefined]) {
      expect(() => getPeriodRefreshPartition(missing, day, table, {}, 'UTC')).toThrow(
        new FlinkValidationError(
          'The scheduler time must not be null during the periodic refresh of the materialized table `c`.`d`.`t`.',
        ),
      );
    }
  });

  it("fails with Flink's message when the schedule time does not parse", () => {
    const weird = { catalog: 'c', database: 'd', table: 'my`t' };
    for (const bad of ['2024/01/01 00:00:00', '2024-01-01', 'yesterday', '']) {
      let error: unknown;
      try {
        getPeriodRefreshPartition(bad, day, weird, { [fmt('ds')]: 'yyyy-MM-dd' }, 'UTC');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlinkExecutionError);
      expect((error as Error).message).toBe(
        `Failed to parse a valid partition value for the field 'ds' in materialized table \`c\`.\`d\`.\`my\`\`t\` using the scheduler time '${bad}' based on the date format 'yyyy-MM-dd HH:mm:ss'.`,
      );
    }
  });

  it('rejects an unknown time zone', () => {
    expect(() => getPeriodRefreshPartition('2024-01-01 00:00:00', day, table, { [fmt('ds')]: 'yyyy' }, 'Mars/Olympus')).toThrow(
      "Unknown time zone 'Mars/Olympus'",
    );
  });
});

describe('formatTimestampStringWithOffset (Java SimpleDateFormat semantics)', () => {
  const from = 'yyyy-MM-dd HH:mm:ss';

  it('parses leniently: fields overflow, spaces before numbers and trailing text are accepted', () => {
    expect(formatTimestampStringWithOffset('2024-13-01 00:00:00', from, from, 'UTC', 0)).toBe('2025-01-01 00:00:00');
    expect(formatTimestampStringWithOffset('2024-02-30 24:00:00', from, from, 'UTC', 0)).toBe('2024-03-02 00:00:00');
    expect(formatTimestampStringWithOffset('2024-1-5 7:3:9 and more', from, from, 'UTC', 0)).toBe('2024-01-05 07:03:09');
    expect(formatTimestampStringWithOffset('2024- 01-05  07:00:00', from, from, 'UTC', 0)).toBe('2024-01-05 07:00:00');
  });

  it('moves a spring-forward gap time forward by the gap', () => {
    expect(formatTimestampStringWithOffset('2024-03-10 02:30:00', from, from, 'America/New_York', 0)).toBe('2024-03-10 03:30:00');
  });

  it('returns null for text that does not match', () => {
    expect(formatTimestampStringWithOffset('2024-01-01T00:00:00', from, from, 'UTC', 0)).toBeNull();
  });

  it('parses abutting fields by width', () => {
    expect(formatTimestampStringWithOffset('20240105', 'yyyyMMdd', 'yyyy-MM-dd', 'UTC', 86_400_000)).toBe('2024-01-06');
  });
});

describe('date formatter patterns', () => {
  const t = { year: 2024, month: 1, day: 5, hour: 7, minute: 3, second: 9, millisecond: 42 };
  const format = (pattern: string) => formatWallClock(compileDateFormat(pattern), t);

  it.each([
    ['yyyy-MM-dd', '2024-01-05'],
    ['yyyyMMdd', '20240105'],
    ['yyyy/MM/dd', '2024/01/05'],
    ['yyyy-MM-dd HH', '2024-01-05 07'],
    ['HH', '07'],
    ['mm', '03'],
    ['ss', '09'],
    ['MM', '01'],
    ['dd', '05'],
    ['M/d H:m:s', '1/5 7:3:9'],
    ['yy', '24'],
    ['y', '2024'],
    ['SSS', '042'],
    ["yyyy-MM-dd'T'HH", '2024-01-05T07'],
    ["''yyyy''", "'2024'"],
    ["'it''s' dd", "it's 05"],
    ["'hour='HH", 'hour=07'],
  ])('%s → %s', (pattern, expected) => {
    expect(format(pattern)).toBe(expected);
  });

  it.each([
    ['yyyy-MM-dd E', "letter 'E' is not supported by freshet"],
    ['hh a', "letter 'h' is not supported by freshet"],
    ['yyyy-MM-ddTHH', "letter 'T' is not a date format letter (Java rejects it as an illegal pattern character)"],
    ['yyyy-MMM', "uses 'MMM' (a month name)"],
    ["yyyy-MM-dd'T", 'has an unterminated quote'],
  ])('rejects %s clearly', (pattern, message) => {
    expect(() => compileDateFormat(pattern)).toThrow(message);
    expect(() => compileDateFormat(pattern)).toThrow("put literal text in single quotes, e.g. 'T'");
  });
});

describe('validateFormatterOptions (CREATE time)', () => {
  const types = new Map([
    ['a', 'INTEGER'],
    ['b', 'VARCHAR'],
    ['c', 'INTEGER'],
    ['d', 'VARCHAR(10)'],
  ]);

  it('accepts formatters on character-string partition columns', () => {
    expect(() => validateFormatterOptions({ [fmt('b')]: 'yyyy-MM-dd', [fmt('d')]: 'HH', other: 'x' }, ['b', 'd'], types)).not.toThrow();
  });

  it("rejects a formatter on a column that isn't a partition column, with Flink's message", () => {
    expect(() => validateFormatterOptions({ [fmt('ds')]: 'yyyy-MM-dd' }, ['b', 'c'], types)).toThrow(
      new FlinkValidationError(
        "Column 'ds' referenced by materialized table option 'partition.fields.ds.date-formatter' isn't a partition column. Available partition columns: ['b', 'c'].",
      ),
    );
    expect(() => validateFormatterOptions({ [fmt('c')]: 'yyyy-MM-dd' }, [], types)).toThrow(
      "Column 'c' referenced by materialized table option 'partition.fields.c.date-formatter' isn't a partition column. Available partition columns: [''].",
    );
  });

  it("rejects a formatter on a non-string column, with Flink's message", () => {
    expect(() => validateFormatterOptions({ [fmt('c')]: 'yyyy-MM-dd' }, ['b', 'c'], types)).toThrow(
      "Materialized table option 'partition.fields.c.date-formatter' only supports referring to char, varchar and string type partition column. Column `c` type is INTEGER.",
    );
  });

  it("rejects a partition column missing from the query, with Flink's message", () => {
    expect(() => validateFormatterOptions({}, ['a', 'e'], types)).toThrow(
      "Partition column 'e' not defined in the query's schema. Available columns: ['a', 'b', 'c', 'd'].",
    );
  });

  it('rejects a malformed option key and an unsupported pattern at create time', () => {
    expect(() => validateFormatterOptions({ 'partition.fields.b.formatter': 'yyyy' }, ['b'], types)).toThrow(
      "Materialized table option 'partition.fields.b.formatter' is malformed: expected 'partition.fields.<column>.date-formatter'.",
    );
    expect(() => validateFormatterOptions({ [fmt('b')]: 'EEE' }, ['b'], types)).toThrow("letter 'E' is not supported");
  });
});

describe('validatePartitionSpec (sorted where Flink iterates a HashSet)', () => {
  const schema = {
    columns: [
      { name: 'ds', type: 'VARCHAR' },
      { name: 'a', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'm', type: 'DATE' },
    ],
    partitionKeys: ['ds', 'a'],
  };

  it('accepts string columns, even ones that are not partition keys (as Flink does)', () => {
    expect(() => validatePartitionSpec({ ds: '2024-01-01', a: 'x' }, schema)).not.toThrow();
    expect(() => validatePartitionSpec({}, schema)).not.toThrow();
  });

  it("rejects keys that are not columns, listing them and the partition keys, with Flink's message", () => {
    expect(() => validatePartitionSpec({ zz: '1', ds: 'x', b: '2', n: '3' }, schema)).toThrow(
      new FlinkValidationError(
        'The partition spec contains unknown partition keys:\n\nb\nzz\n\nAll known partition keys are:\n\na\nds',
      ),
    );
    expect(() => validatePartitionSpec({ x: '1' }, { columns: schema.columns, partitionKeys: [] })).toThrow(
      'The partition spec contains unknown partition keys:\n\nx\n\nAll known partition keys are:\n\n',
    );
  });

  it("rejects non-string columns with Flink's message", () => {
    expect(() => validatePartitionSpec({ n: '3', m: '2024-01-01', ds: 'x' }, schema)).toThrow(
      'Currently, refreshing materialized table only supports referring to char, varchar and string type partition keys. All specified partition keys in partition specs with unsupported types are:\n\nm\nn',
    );
  });
});
