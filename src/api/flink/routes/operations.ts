import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { IllegalOperationTransitionError, isTerminalStatus } from '../../../refresh/index.ts';
import { commandContext } from '../../auth.ts';
import { emptyBody } from '../../params.ts';
import { errorResponses } from '../../schemas/common.ts';
import { findOperation, type GatewayContext } from '../gateway.ts';
import { OperationHandleBody, OperationParams, RefreshBody, SessionParams, Status } from '../schemas.ts';
import { hasFeature } from '../versions.ts';

const tags = ['flink'];

/** Operations (a session's statements and the manager's refreshes): status, cancel, close; and (v3) refresh. */
export function operationRoutes(ctx: GatewayContext): FastifyPluginAsyncTypebox {
  const { sessions, tables, version } = ctx;
  return async (app) => {
    app.get('/sessions/:sessionHandle/operations/:operationHandle/status', { schema: { tags, summary: 'Operation status', params: OperationParams, response: { 200: Status, ...errorResponses } } }, async (request) => {
      const found = await findOperation(ctx, request.params.sessionHandle, request.params.operationHandle);
      return { status: found.statement ? found.statement.status : found.refresh.status };
    });

    app.post(
      '/sessions/:sessionHandle/operations/:operationHandle/cancel',
      { schema: { tags, summary: 'Cancel an operation', params: OperationParams, response: { 200: Status, ...errorResponses } }, preValidation: emptyBody },
      async (request) => {
        const { sessionHandle, operationHandle } = request.params;
        const found = await findOperation(ctx, sessionHandle, operationHandle);
        if (found.statement) {
          const s = found.statement;
          if (s.status !== 'RUNNING') throw new IllegalOperationTransitionError(s.status, 'CANCELED', operationHandle);
          s.status = 'CANCELED';
          s.abort.abort(); // DuckDB interrupts the statement and rolls it back
          return { status: s.status };
        }
        const after = await tables.cancelRefresh(found.refresh.table, operationHandle, commandContext(request));
        return { status: after.status };
      },
    );

    app.delete(
      '/sessions/:sessionHandle/operations/:operationHandle/close',
      { schema: { tags, summary: 'Close an operation', params: OperationParams, response: { 200: Status, ...errorResponses } } },
      async (request) => {
        const { sessionHandle, operationHandle } = request.params;
        const found = await findOperation(ctx, sessionHandle, operationHandle);
        if (found.statement) sessions.forget(sessionHandle, operationHandle);
        // Flink's refresh operation ends once its job is submitted, and the job outlives it (its scheduler closes the
        // operation right after reading the job id). freshet's job is the refresh itself: closing leaves it running.
        else if (isTerminalStatus(found.refresh.status)) await tables.closeOperation(operationHandle, commandContext(request));
        return { status: 'CLOSED' };
      },
    );

    if (!hasFeature(version, 'refresh')) return;
    app.post(
      '/sessions/:sessionHandle/materialized-tables/:identifier/refresh',
      {
        schema: {
          tags,
          summary: 'Refresh a materialized table (periodic with a schedule time, or one-time with static partitions)',
          params: Type.Object({ ...SessionParams.properties, identifier: Type.String({ minLength: 1, maxLength: 1000 }) }),
          body: RefreshBody,
          response: { 200: OperationHandleBody, ...errorResponses },
        },
        preValidation: emptyBody,
      },
      async (request) => {
        sessions.require(request.params.sessionHandle);
        const b = request.body;
        const handle = await tables.refreshMaterializedTable(
          request.params.identifier,
          b.isPeriodic === true,
          b.scheduleTime ?? null,
          b.dynamicOptions ?? {},
          b.staticPartitions ?? {},
          b.executionConfig ?? {},
          commandContext(request),
        );
        return { operationHandle: handle };
      },
    );
  };
}
