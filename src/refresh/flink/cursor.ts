import { FlinkSyntaxError } from './errors.ts';
import { Lexer, type Token } from './lexer.ts';

/** Keyword and punctuation helpers over the lexer, shared by the statement parsers. */
export class Cursor {
  constructor(readonly lexer: Lexer) {}

  peek(ahead = 0): Token {
    return this.lexer.peek(ahead);
  }

  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'word' && t.value === word;
  }

  isSymbol(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'symbol' && t.value === symbol;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.lexer.next();
    return true;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.lexer.next();
    return true;
  }

  /** Consumes the given keywords in order; `expected` describes the whole phrase for the error. */
  expectWords(expected: string, ...words: string[]): Token {
    let first: Token | undefined;
    for (const word of words) {
      const t = this.peek();
      if (!this.acceptWord(word)) throw this.error(t, expected);
      first ??= t;
    }
    return first as Token;
  }

  expectSymbol(symbol: string, expected = `'${symbol}'`): Token {
    const t = this.peek();
    if (!this.acceptSymbol(symbol)) throw this.error(t, expected);
    return t;
  }

  expectString(expected: string): Token {
    const t = this.peek();
    if (t.kind !== 'string') throw this.error(t, expected);
    return this.lexer.next();
  }

  /** `( item {, item} )`, allowing `()` when `allowEmpty`. */
  list<T>(item: () => T, allowEmpty: boolean): T[] {
    this.expectSymbol('(');
    const items: T[] = [];
    if (allowEmpty && this.acceptSymbol(')')) return items;
    do items.push(item());
    while (this.acceptSymbol(','));
    this.expectSymbol(')', "',' or ')'");
    return items;
  }

  /** An optional `;`, then nothing but whitespace and comments. */
  expectEnd(): void {
    const semicolon = this.acceptSymbol(';');
    const t = this.peek();
    if (t.kind === 'eof') return;
    throw this.error(t, semicolon ? 'the end of the statement (one statement at a time)' : "';' or the end of the statement");
  }

  error(at: Token | number, expected: string, found?: string): FlinkSyntaxError {
    return this.lexer.syntaxError(at, expected, found);
  }
}
