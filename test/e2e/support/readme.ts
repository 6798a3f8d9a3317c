import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './freshet-process.ts';

export interface ReadmeCommand {
  /** The command as written, without a trailing `# comment`. */
  text: string;
  line: number;
  where: 'sh block' | 'inline';
}

/** Inline code that is a command someone would type (not a path, a flag or a cron expression). */
const INLINE_COMMAND = /^(\.\/bin\/freshet\.js(\s|$)|(freshet|npm|npx|node|curl|docker)\s|[A-Z][A-Z0-9_]*=\S+\s)/;

/** Every command in the README: each line of a fenced `sh` block, and every inline `code` span that is a command. */
export function readmeCommands(path = join(REPO_ROOT, 'README.md')): ReadmeCommand[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const commands: ReadmeCommand[] = [];
  let fence: 'sh' | 'other' | undefined;
  // Prose with fenced lines blanked, so that inline spans that wrap onto the next line are still found.
  const prose = lines.map((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('```')) {
      fence = fence ? undefined : /^```(sh|bash|shell)\s*$/.test(line) ? 'sh' : 'other';
      return '';
    }
    if (fence === 'sh') {
      const text = line.replace(/\s+#\s.*$/, '').trim();
      if (text !== '') commands.push({ text, line: i + 1, where: 'sh block' });
    }
    return fence ? '' : raw;
  });
  const text = prose.join('\n');
  for (const match of text.matchAll(/`([^`]+)`/g)) {
    const span = match[1]!.replace(/\s+/g, ' ').trim();
    const line = text.slice(0, match.index).split('\n').length;
    if (INLINE_COMMAND.test(span)) commands.push({ text: span, line, where: 'inline' });
  }
  return commands.sort((a, b) => a.line - b.line);
}

/**
 * Which README commands the test ran. `take` finds a command by its beginning and returns the README's own text, so
 * the test runs what a newcomer would copy; a README edit that renames or drops it fails the lookup.
 */
export class ReadmeCoverage {
  private readonly ran = new Set<string>();

  constructor(readonly commands: ReadmeCommand[]) {}

  take(prefix: string, where?: ReadmeCommand['where']): string {
    const candidates = this.commands.filter((c) => where === undefined || c.where === where);
    const exact = candidates.some((c) => c.text === prefix);
    const found = [...new Set(candidates.filter((c) => (exact ? c.text === prefix : c.text.startsWith(prefix))).map((c) => c.text))];
    if (found.length !== 1) throw new Error(`README: expected one command starting with ${JSON.stringify(prefix)}, found ${found.length}: ${JSON.stringify(found)}`);
    this.ran.add(found[0]!);
    return found[0]!;
  }

  /** Marks a command as exercised in another way (e.g. `npm start` by the process helper). */
  mark(text: string): void {
    if (!this.commands.some((c) => c.text === text)) throw new Error(`README has no command ${JSON.stringify(text)}`);
    this.ran.add(text);
  }

  /** Commands neither run nor exempted, with their line numbers. */
  missing(exempt: Record<string, string>): string[] {
    return this.commands.filter((c) => !this.ran.has(c.text) && !(c.text in exempt)).map((c) => `README.md:${c.line} (${c.where}) ${c.text}`);
  }
}
