import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { WarehouseClosedError } from './errors.ts';

/**
 * A few DuckDB connections, each used by one operation at a time: `interrupt()` acts on a whole
 * connection, so sharing one would let cancelling a refresh kill an unrelated query.
 */
export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  private readonly waiters: { resolve: (c: DuckDBConnection) => void; reject: (e: Error) => void }[] = [];
  private creating = 0;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly size: number,
    private readonly setUp: (connection: DuckDBConnection) => Promise<void>,
  ) {}

  async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new WarehouseClosedError();
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.all.length + this.creating < this.size) return this.create();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(connection: DuckDBConnection): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(connection);
    else this.idle.push(connection);
  }

  /** Call only once every acquired connection has been released. */
  closeAll(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new WarehouseClosedError());
    for (const connection of this.all.splice(0)) connection.closeSync();
    this.idle.length = 0;
  }

  private async create(): Promise<DuckDBConnection> {
    this.creating++;
    try {
      const connection = await this.instance.connect();
      try {
        await this.setUp(connection);
      } catch (error) {
        connection.closeSync();
        throw error;
      }
      this.all.push(connection);
      return connection;
    } finally {
      this.creating--;
    }
  }
}
