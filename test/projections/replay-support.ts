import { Command } from 'commander';
import Sqlite from 'better-sqlite3';
import { vi } from 'vitest';
import { CliError } from '../../src/cli/client.ts';
import { registerReplay } from '../../src/cli/replay.ts';
import { eventChecksum } from '../../src/events/adapters/sqlite/checksum.js';

/** Runs `freshet replay …` in this process, as main.ts does: its output, and the exit code it would end with. */
export async function replay(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const program = new Command().exitOverride();
  registerReplay(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['replay', ...args], { from: 'user' });
    return { out, err: '', code: Number(process.exitCode ?? 0) };
  } catch (error) {
    if (error instanceof CliError) return { out, err: error.message, code: error.exitCode };
    throw error;
  } finally {
    write.mockRestore();
    process.exitCode = undefined;
  }
}

/** Changes one event of a SQLite log and stamps it with a matching checksum, as a bug in freshet (not a disk) would. */
export function rewriteEvent(path: string, position: number, change: { data?: string; version?: number }): void {
  const db = new Sqlite(path);
  const row = db.prepare('SELECT * FROM log WHERE position = ?').get(position) as { stream: string; version: number; id: string; type: string; schema_version: number; data: string; metadata: string; recorded_at: string };
  const data = change.data ?? row.data;
  const version = change.version ?? row.version;
  const checksum = eventChecksum(position, row.stream, version, row.id, row.type, row.schema_version, data, row.metadata, row.recorded_at);
  db.prepare('UPDATE log SET data = ?, version = ?, checksum = ? WHERE position = ?').run(data, version, checksum, position);
  db.close();
}

export function sql(path: string, text: string): void {
  const db = new Sqlite(path);
  db.exec(text);
  db.close();
}
