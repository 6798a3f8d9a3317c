import type { Command } from 'commander';

export interface Output {
  writeOut(s: string): void;
  writeErr(s: string): void;
  /** Whether stdout is a terminal: tables draw boxes and fit its width only then. */
  isTTY: boolean;
  /** Terminal width in columns, when stdout is a terminal. */
  columns: number | undefined;
}

/** Output of the root command, so tests (and main) capture it with `configureOutput` wherever they set it. */
export function outputOf(command: Command): Output {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const config = root.configureOutput();
  // A captured stdout (configureOutput in tests) is not a terminal, whatever the test process's stdout is.
  const captured = config.writeOut !== undefined;
  return {
    writeOut: (s) => (config.writeOut ?? ((x: string) => process.stdout.write(x)))(s),
    writeErr: (s) => (config.writeErr ?? ((x: string) => process.stderr.write(x)))(s),
    isTTY: !captured && process.stdout.isTTY === true,
    columns: captured ? config.getOutHelpWidth?.() : process.stdout.columns,
  };
}

/** `--json` prints the document the server answered; otherwise the human rendering. */
export function print(command: Command, json: boolean | undefined, doc: unknown, human: () => string): void {
  outputOf(command).writeOut(`${json === true ? JSON.stringify(doc, null, 2) : human()}\n`);
}
