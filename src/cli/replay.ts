import type { Command } from 'commander';
import type { ReplayOptions } from './replay-run.ts';
import { addStoreOptions } from './settings.ts';

/**
 * Rebuilds the WorkflowInfo read model from nothing but the log and, with --verify, compares it with the read model
 * freshet keeps (its saved rows and checkpoint, caught up to the head): any difference is a bug, exit code 1.
 */
export function registerReplay(program: Command): void {
  addStoreOptions(
    program
      .command('replay')
      .description('Rebuild the read model from the event log; --verify compares it with the live one')
      .option('--verify', 'compare with the read model freshet keeps; exit 1 on any difference')
      .option('--json', 'print the outcome as JSON'),
  ).action(async (o: ReplayOptions) => {
    const { runReplay } = await import('./replay-run.ts');
    await runReplay(o);
  });
}
