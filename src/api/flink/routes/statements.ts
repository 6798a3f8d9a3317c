import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { IllegalOperationTransitionError } from '../../../refresh/index.ts';
import { commandContext } from '../../auth.ts';
import { ApiRequestError } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';
import { fetchPage, resultUri, type RowFormat } from '../fetch.ts';
import { findOperation, type GatewayContext, runInSession, statusOfFailure } from '../gateway.ts';
import { refreshJobResult } from '../results.ts';
import { ExecuteBody, FetchResults, OperationHandleBody, OperationParams, ScriptBody, SessionParams } from '../schemas.ts';
import { splitScript } from '../session-statements.ts';
import { StatementFailedError } from '../sessions.ts';
import { hasFeature } from '../versions.ts';

const tags = ['flink'];
const RowFormatParam = Type.Union([Type.Literal('JSON'), Type.Literal('PLAIN_TEXT')]);

/** Statements: execute (asynchronously), fetch their pages, and (v4) deploy a script. */
export function statementRoutes(ctx: GatewayContext): FastifyPluginAsyncTypebox {
  const { sessions, version } = ctx;
  // V1 has no row format (JSON); from V2 on the query parameter is mandatory, as in Flink's spec.
  const querystring = hasFeature(version, 'row-format') ? Type.Object({ rowFormat: RowFormatParam }) : Type.Object({});

  return async (app) => {
    app.post(
      '/sessions/:sessionHandle/statements',
      { schema: { tags, summary: 'Execute a statement (asynchronously; fetch its result)', params: SessionParams, body: ExecuteBody, response: { 200: OperationHandleBody, ...errorResponses } } },
      async (request) => {
        const { sessionHandle } = request.params;
        sessions.require(sessionHandle);
        const { statement, executionTimeout } = request.body;
        const who = commandContext(request);
        const operationHandle = sessions.submit(
          sessionHandle,
          (signal) => runInSession(ctx, sessionHandle, statement, { ...who, signal, ...(executionTimeout ? { timeoutMs: executionTimeout } : {}) }),
          statusOfFailure,
        );
        return { operationHandle };
      },
    );

    app.get(
      '/sessions/:sessionHandle/operations/:operationHandle/result/:token',
      {
        schema: {
          tags,
          summary: 'Fetch a page of results (follow nextResultUri until EOS)',
          params: Type.Object({ ...OperationParams.properties, token: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }),
          querystring,
          response: { 200: FetchResults, ...errorResponses },
        },
      },
      async (request) => {
        const { sessionHandle, operationHandle, token } = request.params;
        const rowFormat: RowFormat = 'rowFormat' in request.query ? (request.query.rowFormat as RowFormat) : 'JSON';
        const uri = (t: number) => resultUri(version, sessionHandle, operationHandle, t, rowFormat);
        const found = await findOperation(ctx, sessionHandle, operationHandle);
        if (found.refresh) return fetchPage(refreshJobResult(operationHandle), token, ctx.pageSize, rowFormat, uri);
        const s = found.statement;
        if (s.status === 'RUNNING') return { resultType: 'NOT_READY' as const, nextResultUri: uri(token) };
        if (s.status === 'ERROR' || s.status === 'TIMEOUT') throw new StatementFailedError(`Failed to fetchResults. ${s.error ?? ''}`.trim());
        if (s.status === 'CANCELED' || !s.result) throw new IllegalOperationTransitionError('CANCELED', 'FINISHED', operationHandle);
        return fetchPage(s.result, token, ctx.pageSize, rowFormat, uri);
      },
    );

    if (hasFeature(version, 'scripts')) {
      app.post(
        '/sessions/:sessionHandle/scripts',
        {
          schema: { tags, summary: "Run a script's statements in order (freshet's cluster is itself)", params: SessionParams, body: ScriptBody, response: { 200: Type.Object({ clusterID: Type.String() }), ...errorResponses } },
        },
        async (request) => {
          const { sessionHandle } = request.params;
          sessions.require(sessionHandle);
          const { script, scriptUri } = request.body;
          if (scriptUri) throw new ApiRequestError('invalid', 'scriptUri is not supported: freshet fetches no files; send the statements inline as `script`.');
          if (!script) throw new ApiRequestError('invalid', 'Invalid request: body must have `script`, the statements to run separated by semicolons.');
          // One statement after the other, as an application cluster would; the first failure stops the script.
          for (const statement of splitScript(script)) await runInSession(ctx, sessionHandle, statement, commandContext(request));
          return { clusterID: 'freshet-embedded' };
        },
      );
    }
  };
}
