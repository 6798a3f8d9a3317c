import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { IllegalOperationTransitionError, type MaterializedTableManager } from '../../refresh/index.ts';
import { commandContext } from '../auth.ts';
import { type FlinkResult, plainText, refreshJobResult, toFlinkResult } from '../flink-results.ts';
import { emptyBody } from '../params.ts';
import { errorResponses, NullableStringMap } from '../schemas/common.ts';
import { OperationNotFoundError, type SessionRegistry, StatementFailedError, TokenOutOfRangeError } from '../sessions.ts';

const tags = ['flink'];
const SessionParams = Type.Object({ sessionHandle: Type.String({ minLength: 1, maxLength: 200 }) });
const OperationParams = Type.Object({ sessionHandle: Type.String({ minLength: 1, maxLength: 200 }), operationHandle: Type.String({ minLength: 1, maxLength: 200 }) });
const Status = Type.Object({ status: Type.String() });

const FetchResults = Type.Object({
  resultType: Type.Union([Type.Literal('NOT_READY'), Type.Literal('PAYLOAD'), Type.Literal('EOS')]),
  isQueryResult: Type.Optional(Type.Boolean()),
  jobID: Type.Optional(Type.String()),
  resultKind: Type.Optional(Type.String()),
  results: Type.Optional(
    Type.Object({
      columns: Type.Array(Type.Object({ name: Type.String(), logicalType: Type.Object({ type: Type.String(), nullable: Type.Boolean(), length: Type.Optional(Type.Integer()) }), comment: Type.Null() })),
      rowFormat: Type.String(),
      data: Type.Array(Type.Object({ kind: Type.String(), fields: Type.Array(Type.Unknown()) })),
    }),
  ),
  nextResultUri: Type.Optional(Type.String()),
});

/**
 * Flink SQL Gateway's session, statement, operation and refresh endpoints (v3). Sessions and statement results are
 * in memory, as in Flink; refresh operations are the manager's durable ones, so their handles outlive a restart.
 */
export function flinkSessionRoutes(tables: MaterializedTableManager, sessions: SessionRegistry): FastifyPluginAsyncTypebox {
  /** A statement of the session, or one of the manager's refresh operations. */
  const find = async (sessionHandle: string, operationHandle: string) => {
    sessions.require(sessionHandle);
    const statement = sessions.statement(sessionHandle, operationHandle);
    if (statement) return { statement } as const;
    try {
      return { refresh: await tables.getOperation(operationHandle) } as const;
    } catch {
      throw new OperationNotFoundError(operationHandle);
    }
  };

  return async (app) => {
    app.post(
      '/sessions',
      {
        schema: { tags, summary: 'Open a session', body: Type.Object({ sessionName: Type.Optional(Type.Union([Type.String(), Type.Null()])), properties: NullableStringMap }), response: { 200: Type.Object({ sessionHandle: Type.String() }), ...errorResponses } },
        preValidation: emptyBody,
      },
      async (request) => ({ sessionHandle: sessions.open(request.body.sessionName ?? undefined, request.body.properties ?? {}) }),
    );

    app.delete('/sessions/:sessionHandle', { schema: { tags, summary: 'Close a session', params: SessionParams, response: { 200: Status, ...errorResponses } } }, async (request) => {
      sessions.close(request.params.sessionHandle);
      return { status: 'CLOSED' };
    });

    app.post(
      '/sessions/:sessionHandle/statements',
      {
        schema: {
          tags,
          summary: 'Execute a statement (asynchronously; fetch its result)',
          params: SessionParams,
          body: Type.Object({ statement: Type.String({ minLength: 1, maxLength: 1_000_000 }), executionTimeout: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()])), executionConfig: NullableStringMap }),
          response: { 200: Type.Object({ operationHandle: Type.String() }), ...errorResponses },
        },
      },
      async (request) => {
        sessions.require(request.params.sessionHandle);
        const ctx = commandContext(request);
        const operationHandle = sessions.submit(request.params.sessionHandle, async () => toFlinkResult(await tables.executeStatement(request.body.statement, ctx)));
        return { operationHandle };
      },
    );

    app.get('/sessions/:sessionHandle/operations/:operationHandle/status', { schema: { tags, summary: 'Operation status', params: OperationParams, response: { 200: Status, ...errorResponses } } }, async (request) => {
      const found = await find(request.params.sessionHandle, request.params.operationHandle);
      return { status: found.statement ? found.statement.status : found.refresh.status };
    });

    app.get(
      '/sessions/:sessionHandle/operations/:operationHandle/result/:token',
      {
        schema: {
          tags,
          summary: 'Fetch results (token 0 = the rows, 1 = end of stream)',
          params: Type.Object({ ...OperationParams.properties, token: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }),
          querystring: Type.Object({ rowFormat: Type.Optional(Type.Union([Type.Literal('JSON'), Type.Literal('PLAIN_TEXT')], { default: 'JSON' })) }),
          response: { 200: FetchResults, ...errorResponses },
        },
      },
      async (request) => {
        const { sessionHandle, operationHandle, token } = request.params;
        const rowFormat = request.query.rowFormat ?? 'JSON';
        const uri = (t: number) => `/v3/sessions/${sessionHandle}/operations/${operationHandle}/result/${t}?rowFormat=${rowFormat}`;
        const found = await find(sessionHandle, operationHandle);
        let result: FlinkResult;
        if (found.statement) {
          const s = found.statement;
          if (s.status === 'RUNNING') return { resultType: 'NOT_READY' as const, nextResultUri: uri(token) };
          if (s.status === 'ERROR') throw new StatementFailedError(`Failed to fetchResults. ${s.error ?? ''}`.trim());
          if (s.status === 'CANCELED' || !s.result) throw new IllegalOperationTransitionError('CANCELED', 'FINISHED', operationHandle);
          result = s.result;
        } else {
          // Flink's refresh operation is done once the job is submitted; freshet's "job" is the refresh operation.
          result = refreshJobResult(operationHandle);
        }
        if (token > 1) throw new TokenOutOfRangeError(`Token ${token} is out of range: this result has token 0 (the rows) and token 1 (end of stream).`);
        const rows = token === 0 ? result.rows : [];
        return {
          resultType: token === 0 ? ('PAYLOAD' as const) : ('EOS' as const),
          isQueryResult: result.isQueryResult,
          ...(result.jobID ? { jobID: result.jobID } : {}),
          resultKind: result.resultKind,
          results: { columns: result.columns, rowFormat, data: (rowFormat === 'JSON' ? rows : plainText(rows)).map((fields) => ({ kind: 'INSERT', fields })) },
          ...(token === 0 ? { nextResultUri: uri(1) } : {}),
        };
      },
    );

    app.post(
      '/sessions/:sessionHandle/operations/:operationHandle/cancel',
      { schema: { tags, summary: 'Cancel an operation', params: OperationParams, response: { 200: Status, ...errorResponses } } },
      async (request) => {
        const { sessionHandle, operationHandle } = request.params;
        const found = await find(sessionHandle, operationHandle);
        if (found.statement) {
          const s = found.statement;
          if (s.status !== 'RUNNING') throw new IllegalOperationTransitionError(s.status, 'CANCELED', operationHandle);
          s.status = 'CANCELED'; // DuckDB statements of the runner are not interruptible here; the result is dropped
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
        const found = await find(sessionHandle, operationHandle);
        if (found.statement) sessions.forget(sessionHandle, operationHandle);
        else await tables.closeOperation(operationHandle, commandContext(request));
        return { status: 'CLOSED' };
      },
    );

    app.post(
      '/sessions/:sessionHandle/materialized-tables/:identifier/refresh',
      {
        schema: {
          tags,
          summary: 'Refresh a materialized table (periodic with a schedule time, or one-time with static partitions)',
          params: Type.Object({ ...SessionParams.properties, identifier: Type.String({ minLength: 1, maxLength: 1000 }) }),
          // `periodic` (Jackson's second name for isPeriodic) is accepted and ignored.
          body: Type.Object({
            isPeriodic: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
            scheduleTime: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            dynamicOptions: NullableStringMap,
            staticPartitions: NullableStringMap,
            executionConfig: NullableStringMap,
          }),
          response: { 200: Type.Object({ operationHandle: Type.String() }), ...errorResponses },
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
