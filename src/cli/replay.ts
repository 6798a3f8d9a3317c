import type { Command } from 'commander';
import type { ReplayOptions } from './replay-run.ts';
import { addStoreOptions } from './settings.ts';

/**
 * Rebuilds the WorkflowInfo read model from nothing but the log. --verify checks the log (checksums, positions,
 * schemas, stream versions) and compares the read model freshet keeps with the rebuild: any failure is exit code 1.
 * --rebuild saves the rebuild as the read model, for a read model freshet refused as not belonging to its log.
 * It reads the store named by --data-dir / --store itself, never through a server.
 */
export function registerReplay(program: Command): void {
  addStoreOptions(
    program
      .command('replay')
      .description('Rebuild the read model from the event log (read from --data-dir / --store, not the server); --verify checks both')
      .option('--verify', 'check every event (checksum, position, schema, stream version) and that the saved read model equals the rebuild; exit 1 on any failure')
      .option('--rebuild', "save the rebuild as the read model, replacing the saved one (when freshet refuses a read model that does not match its log); stop freshet first")
      .option('--json', 'print the outcome as JSON'),
  ).action(async (o: Omit<ReplayOptions, 'dataDirFrom'>, command: Command) => {
    const { runReplay } = await import('./replay-run.ts');
    const dataDirFrom = command.getOptionValueSource('dataDir') === 'cli' ? 'flag' : process.env.FRESHET_DATA_DIR ? 'env' : 'default';
    await runReplay({ ...o, dataDirFrom });
  });
}
