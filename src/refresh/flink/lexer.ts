import { FlinkSyntaxError, type SourcePosition } from './errors.ts';

export type TokenKind =
  | 'word' // unquoted identifier or keyword
  | 'quoted' // `backquoted` identifier; `value` has the doubled backquotes undone
  | 'dquoted' // "double-quoted" text (a DuckDB identifier; not part of Flink's dialect)
  | 'string' // 'string literal'; `value` has the doubled quotes undone
  | 'number'
  | 'symbol'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Unescaped content for quoted kinds, the upper-cased text for words, the raw text otherwise. */
  readonly value: string;
  /** The text exactly as written. */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}_][\p{L}\p{N}_$]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s+/y;

/**
 * A lazy tokenizer: tokens are produced on demand, so a plain DuckDB statement is classified from
 * its first words without ever lexing dialect details this lexer does not know.
 */
export class Lexer {
  private offset = 0;
  private readonly buffer: Token[] = [];
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.scan());
    return this.buffer[ahead] as Token;
  }

  next(): Token {
    const token = this.peek();
    this.buffer.shift();
    return token;
  }

  position(offset: number): SourcePosition {
    this.lineStarts ??= lineStartsOf(this.text);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1 };
  }

  /** A syntax error at a token (or offset); `found` defaults to the text found there. */
  syntaxError(at: Token | number, expected: string, found?: string): FlinkSyntaxError {
    const offset = typeof at === 'number' ? at : at.start;
    const shown = found ?? (typeof at === 'number' ? describeOffset(this.text, at) : describe(at));
    return new FlinkSyntaxError(this.position(offset), expected, shown);
  }

  private scan(): Token {
    this.skipTrivia();
    const { text } = this;
    const start = this.offset;
    if (start >= text.length) return { kind: 'eof', value: '', raw: '', start, end: start };
    const ch = text[start] as string;
    if (ch === "'") return this.quotedToken('string', "'", 'a closing quote (\') for this string');
    if (ch === '`') return this.quotedToken('quoted', '`', 'a closing backquote (`) for this identifier');
    if (ch === '"') return this.quotedToken('dquoted', '"', 'a closing double quote (") for this identifier');
    const word = this.match(WORD) ?? undefined;
    if (word !== undefined) return this.token('word', word.toUpperCase(), start);
    const number = this.match(NUMBER);
    if (number !== undefined) return this.token('number', number, start);
    const symbol = String.fromCodePoint(text.codePointAt(start) as number);
    this.offset += symbol.length;
    return this.token('symbol', symbol, start);
  }

  private skipTrivia(): void {
    const { text } = this;
    for (;;) {
      this.match(SPACE);
      if (text.startsWith('--', this.offset)) {
        const eol = text.indexOf('\n', this.offset);
        this.offset = eol < 0 ? text.length : eol + 1;
      } else if (text.startsWith('/*', this.offset)) {
        const close = text.indexOf('*/', this.offset + 2);
        if (close < 0) throw this.syntaxError(this.offset, 'the end of this /* comment (*/)', 'end of input');
        this.offset = close + 2;
      } else {
        return;
      }
    }
  }

  private quotedToken(kind: TokenKind, quote: string, expected: string): Token {
    const { text } = this;
    const start = this.offset;
    let value = '';
    let i = start + 1;
    for (;;) {
      const close = text.indexOf(quote, i);
      if (close < 0) throw this.syntaxError(start, expected, 'end of input');
      value += text.slice(i, close);
      if (text[close + 1] === quote) {
        value += quote;
        i = close + 2;
      } else {
        this.offset = close + 1;
        return { kind, value, raw: text.slice(start, this.offset), start, end: this.offset };
      }
    }
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.offset;
    const m = pattern.exec(this.text);
    if (!m) return undefined;
    this.offset = pattern.lastIndex;
    return m[0];
  }

  private token(kind: TokenKind, value: string, start: number): Token {
    return { kind, value, raw: this.text.slice(start, this.offset), start, end: this.offset };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  const raw = token.raw.length > 40 ? `${token.raw.slice(0, 37)}...` : token.raw;
  return `'${raw}'`;
}

function describeOffset(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  return `'${text.slice(offset, offset + 20)}${text.length > offset + 20 ? '...' : ''}'`;
}
