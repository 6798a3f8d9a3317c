/**
 * Errors of the Flink materialized-table rules. The messages of the validation and execution
 * errors are Flink's own, word for word, so users and Flink-aware tools recognise them; the class
 * tells callers which kind of mistake it was.
 */

/**
 * What a validation error is about, so callers (the HTTP edge) need not read Flink's text: Flink words a missing
 * table or operation, and a table in the wrong state, as a ValidationException too.
 */
export type FlinkValidationCode =
  | 'INVALID' // the statement or its options: fix the input
  | 'TABLE_NOT_FOUND'
  | 'OPERATION_NOT_FOUND'
  | 'TABLE_INITIALIZING' // the table is being created: its workflow cannot be suspended, resumed or dropped yet
  | 'WORKFLOW_ALREADY_SUSPENDED'
  | 'WORKFLOW_ALREADY_RESUMED';

/** Flink's `ValidationException`: the statement or its options are invalid; fix the input. */
export class FlinkValidationError extends Error {
  override name = 'FlinkValidationError';
  constructor(
    message: string,
    /** Where in the statement the offending part starts (1-based), when it came from the parser. */
    readonly position?: SourcePosition,
    readonly code: FlinkValidationCode = 'INVALID',
  ) {
    super(message);
  }
}

/** Flink's `TableException` / `SqlExecutionException`: a refresh-time failure. */
export class FlinkExecutionError extends Error {
  override name = 'FlinkExecutionError';
}

export interface SourcePosition {
  /** 0-based offset into the statement text. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units from the start of the line. */
  readonly column: number;
}

/** The statement is not well-formed; the message names the line, column and what was expected. */
export class FlinkSyntaxError extends Error {
  override name = 'FlinkSyntaxError';
  constructor(
    readonly position: SourcePosition,
    readonly expected: string,
    /** The offending text as written, or `end of input`. */
    readonly found: string,
  ) {
    super(`Syntax error at line ${position.line}, column ${position.column}: expected ${expected}, found ${found}`);
  }
}
