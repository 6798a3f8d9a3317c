import { type Answer } from './http.ts';

/**
 * What a client knows about a command it sent: `acked` (a 2xx arrived), `refused` (a 4xx/5xx arrived), or `lost`
 * (no answer: the server died while the command was in flight, or before it was sent).
 */
export type CommandState = 'in-flight' | 'acked' | 'refused' | 'lost';

export interface SentCommand {
  label: string;
  state: CommandState;
  status?: number;
  body?: unknown;
}

/** Records every command a load generator sends and what became of it. */
export class CommandLog {
  readonly commands: SentCommand[] = [];
  private stopped = false;

  get running(): boolean {
    return !this.stopped;
  }

  /** Load generators stop sending; commands already sent still settle (as `lost` once the server is killed). */
  stop(): void {
    this.stopped = true;
  }

  /** Sends one command; resolves to whether the chain may go on (it was acknowledged and the load still runs). */
  async send(label: string, call: () => Promise<Answer<unknown>>): Promise<SentCommand> {
    const command: SentCommand = { label, state: 'in-flight' };
    this.commands.push(command);
    try {
      const answer = await call();
      command.status = answer.status;
      command.body = answer.body;
      command.state = answer.status >= 200 && answer.status < 300 ? 'acked' : 'refused';
    } catch {
      command.state = 'lost';
    }
    return command;
  }

  count(state: CommandState): number {
    return this.commands.filter((c) => c.state === state).length;
  }

  refused(): SentCommand[] {
    return this.commands.filter((c) => c.state === 'refused');
  }
}
