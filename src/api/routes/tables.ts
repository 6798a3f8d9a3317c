import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { MaterializedTableManager, StatementResult as ManagerResult } from '../../refresh/index.ts';
import { commandContext } from '../auth.ts';
import { emptyBody, parseInstant } from '../params.ts';
import { errorResponses, Reason, StringMap } from '../schemas/common.ts';
import { Operation, StatementResult, TableInfo } from '../schemas/tables.ts';

const IdentifierParams = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 1000, description: 'e.g. `freshet`.`default`.`orders_daily` (percent-encoded), freshet.default.orders_daily, or orders_daily.' }),
});
const HandleParams = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 200 }) });
const ReasonBody = Type.Object({ reason: Reason });
const DdlResult = Type.Object({ table: Type.String(), message: Type.String() });

const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export function statementView(r: ManagerResult): { kind: ManagerResult['kind']; columns?: string[]; rows?: unknown[][]; rowsChanged?: number; table?: string; message?: string; operationHandle?: string } {
  switch (r.kind) {
    case 'query':
      return { kind: r.kind, columns: r.columns, rows: r.rows, ...(r.rowsChanged !== undefined ? { rowsChanged: r.rowsChanged } : {}) };
    case 'ddl':
      return { kind: r.kind, table: r.table, message: r.message };
    case 'operation':
      return { kind: r.kind, table: r.table, operationHandle: r.operationHandle };
  }
}

/** freshet's own table API: statements, materialized tables and their refresh operations. */
export function tableRoutes(tables: MaterializedTableManager): FastifyPluginAsyncTypebox {
  // Commands go through the statement runner with the table's own serializable identifier (every part quoted),
  // so they are recorded exactly as the equivalent SQL would be.
  const alter = async (identifier: string, action: string, ctx: ReturnType<typeof commandContext>) => {
    const table = await tables.getTable(identifier);
    await tables.executeStatement(`ALTER MATERIALIZED TABLE ${table.definition.identifier} ${action}`, ctx);
    return tables.getTable(table.definition.identifier);
  };

  return async (app) => {
    app.post(
      '/statements',
      {
        schema: {
          tags: ['tables'],
          summary: 'Run one statement (DuckDB SQL, or Flink materialized-table DDL)',
          body: Type.Object({ statement: Type.String({ minLength: 1, maxLength: 1_000_000 }), reason: Reason }),
          response: { 200: StatementResult, 202: StatementResult, ...errorResponses },
        },
      },
      async (request, reply) => {
        const result = await tables.executeStatement(request.body.statement, commandContext(request, request.body.reason));
        return reply.code(result.kind === 'operation' ? 202 : 200).send(statementView(result));
      },
    );

    app.get('/materialized-tables', { schema: { tags: ['tables'], summary: 'List materialized tables', response: { 200: Type.Object({ tables: Type.Array(TableInfo) }), ...errorResponses } } }, async () => ({
      tables: await tables.listTables(),
    }));

    app.get(
      '/materialized-tables/:identifier',
      { schema: { tags: ['tables'], summary: 'Definition, status, workflow and refresh status', params: IdentifierParams, response: { 200: TableInfo, ...errorResponses } } },
      async (request) => tables.getTable(request.params.identifier),
    );

    app.post(
      '/materialized-tables/:identifier/suspend',
      {
        schema: {
          tags: ['tables'],
          summary: 'Suspend its refresh workflow, or pause it until an instant (then freshet resumes the workflow and the table)',
          params: IdentifierParams,
          body: Type.Object({ reason: Reason, until: Type.Optional(Type.String({ description: 'ISO instant: the pause ends by itself then.' })) }),
          response: { 200: TableInfo, ...errorResponses },
        },
        preValidation: emptyBody,
      },
      async (request) => {
        const { reason, until } = request.body;
        const ctx = commandContext(request, reason);
        if (until === undefined) return alter(request.params.identifier, 'SUSPEND', ctx);
        return tables.pauseTable(request.params.identifier, parseInstant(until, 'until'), ctx);
      },
    );

    app.post(
      '/materialized-tables/:identifier/resume',
      {
        schema: {
          tags: ['tables'],
          summary: 'Resume its refresh workflow (optionally WITH dynamic options)',
          params: IdentifierParams,
          body: Type.Object({ reason: Reason, options: Type.Optional(StringMap) }),
          response: { 200: TableInfo, ...errorResponses },
        },
        preValidation: emptyBody,
      },
      async (request) => {
        const options = Object.entries(request.body.options ?? {});
        const withClause = options.length === 0 ? '' : ` WITH (${options.map(([k, v]) => `${quoteLiteral(k)} = ${quoteLiteral(v)}`).join(', ')})`;
        return alter(request.params.identifier, `RESUME${withClause}`, commandContext(request, request.body.reason));
      },
    );

    app.post(
      '/materialized-tables/:identifier/refresh',
      {
        schema: {
          tags: ['tables'],
          summary: 'Refresh now (optionally only some partitions); runs asynchronously',
          params: IdentifierParams,
          body: Type.Object({ reason: Reason, partitions: Type.Optional(StringMap) }),
          response: { 202: Type.Object({ table: Type.String(), operationHandle: Type.String() }), ...errorResponses },
        },
        preValidation: emptyBody,
      },
      async (request, reply) => {
        const table = await tables.getTable(request.params.identifier);
        const ctx = commandContext(request, request.body.reason);
        const handle = await tables.refreshMaterializedTable(table.definition.identifier, false, null, {}, request.body.partitions ?? {}, {}, ctx);
        return reply.code(202).send({ table: table.definition.identifier, operationHandle: handle });
      },
    );

    app.get(
      '/materialized-tables/:identifier/operations',
      {
        schema: {
          tags: ['tables'],
          summary: "The table's refresh operations, newest first",
          params: IdentifierParams,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
            before: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "A page's `next`: the operations older than that page." })),
          }),
          response: {
            200: Type.Object({
              table: Type.String(),
              operations: Type.Array(Operation),
              total: Type.Integer({ description: 'Operations the table has ever had.' }),
              more: Type.Boolean({ description: 'Older operations exist beyond this page.' }),
              next: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `before` for the next (older) page; null on the last page.' }),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const table = await tables.getTable(request.params.identifier);
        const page = await tables.getRefreshOperations(table.definition.identifier, { limit: request.query.limit ?? 20, ...(request.query.before !== undefined ? { before: request.query.before } : {}) });
        return { table: table.definition.identifier, operations: page.operations, total: page.total, more: page.next !== null, next: page.next };
      },
    );

    app.delete(
      '/materialized-tables/:identifier',
      { schema: { tags: ['tables'], summary: 'Drop the table and delete its workflow', params: IdentifierParams, body: ReasonBody, response: { 200: DdlResult, ...errorResponses } }, preValidation: emptyBody },
      async (request) => {
        const table = await tables.getTable(request.params.identifier);
        const r = await tables.executeStatement(`DROP MATERIALIZED TABLE ${table.definition.identifier}`, commandContext(request, request.body.reason));
        return { table: table.definition.identifier, message: r.kind === 'ddl' ? r.message : `Materialized table ${table.definition.identifier} dropped.` };
      },
    );

    app.get('/operations/:handle', { schema: { tags: ['tables'], summary: 'A refresh operation', params: HandleParams, response: { 200: Operation, ...errorResponses } } }, async (request) =>
      tables.getOperation(request.params.handle),
    );

    app.post(
      '/operations/:handle/cancel',
      { schema: { tags: ['tables'], summary: 'Cancel a running or waiting refresh (rolled back)', params: HandleParams, body: ReasonBody, response: { 200: Operation, ...errorResponses } }, preValidation: emptyBody },
      async (request) => {
        const op = await tables.getOperation(request.params.handle);
        const after = await tables.cancelRefresh(op.table, request.params.handle, commandContext(request, request.body.reason));
        return { table: op.table, ...after };
      },
    );
  };
}
