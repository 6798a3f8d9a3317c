import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { type Static, Type as T } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import { commandContext } from '../../auth.ts';
import { ApiRequestError } from '../../errors.ts';
import { emptyBody } from '../../params.ts';
import { errorResponses, StringMap } from '../../schemas/common.ts';
import { completionHints } from '../completion.ts';
import { type GatewayContext, runInSession } from '../gateway.ts';
import { ConfigureBody, EmptyObject, OpenSessionBody, SessionParams, Status } from '../schemas.ts';
import { isConfiguringStatement, parseSessionStatement } from '../session-statements.ts';
import { hasFeature } from '../versions.ts';

const tags = ['flink'];
const MAX_GET_BODY = 1024 * 1024;
const CompleteBody = T.Object({ statement: T.String({ maxLength: 1_000_000 }), position: T.Integer({ minimum: 0, maximum: 1_000_000 }) });
const completeBody = TypeCompiler.Compile(CompleteBody);

/**
 * Flink's REST client sends complete-statement as a GET with a JSON body. Fastify neither reads nor validates a
 * GET body, so both happen here, against the same schema, without coercion.
 */
async function readCompleteBody(request: FastifyRequest): Promise<void> {
  let text = '';
  for await (const chunk of request.raw) {
    text += String(chunk);
    if (text.length > MAX_GET_BODY) throw new ApiRequestError('too-large', `The request body is over ${MAX_GET_BODY} bytes.`);
  }
  let body: unknown;
  try {
    body = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiRequestError('invalid', 'Invalid request: the body is not JSON; send {"statement": "…", "position": 0}.');
  }
  const problem = completeBody.Errors(body).First();
  if (problem) throw new ApiRequestError('invalid', `Invalid request: body${problem.path.replaceAll('/', '.')} ${problem.message.toLowerCase()}; send {"statement": "…", "position": 0}.`);
  request.body = body;
}

/** Sessions: open, configuration (masked), heartbeat, configure-session, completion hints, close. */
export function sessionRoutes(ctx: GatewayContext): FastifyPluginAsyncTypebox {
  const { sessions, version } = ctx;
  return async (app) => {
    app.post(
      '/sessions',
      { schema: { tags, summary: 'Open a session', body: OpenSessionBody, response: { 200: Type.Object({ sessionHandle: Type.String() }), ...errorResponses } }, preValidation: emptyBody },
      async (request) => ({ sessionHandle: sessions.open(request.body.sessionName ?? undefined, request.body.properties ?? {}) }),
    );

    app.get(
      '/sessions/:sessionHandle',
      { schema: { tags, summary: "The session's configuration (sensitive values masked)", params: SessionParams, response: { 200: Type.Object({ properties: StringMap }), ...errorResponses } } },
      async (request) => ({ properties: sessions.shownConfiguration(request.params.sessionHandle) }),
    );

    app.delete('/sessions/:sessionHandle', { schema: { tags, summary: 'Close a session', params: SessionParams, response: { 200: Status, ...errorResponses } } }, async (request) => {
      sessions.close(request.params.sessionHandle);
      return { status: 'CLOSED' };
    });

    app.post(
      '/sessions/:sessionHandle/heartbeat',
      { schema: { tags, summary: 'Keep the session alive', params: SessionParams, response: { 200: EmptyObject, ...errorResponses } }, preValidation: emptyBody },
      async (request) => {
        sessions.require(request.params.sessionHandle);
        return {};
      },
    );

    if (hasFeature(version, 'configure-session')) {
      app.post(
        '/sessions/:sessionHandle/configure-session',
        { schema: { tags, summary: 'Configure the session with SET, RESET or a DDL statement (runs to its end)', params: SessionParams, body: ConfigureBody, response: { 200: EmptyObject, ...errorResponses } } },
        async (request) => {
          const { statement, executionTimeout } = request.body;
          if (!parseSessionStatement(statement) && !isConfiguringStatement(statement)) {
            throw new ApiRequestError(
              'invalid',
              `Unsupported statement for configuring session: ${statement.slice(0, 200)}. configure-session runs SET, RESET, CREATE, DROP, ALTER, USE, LOAD, UNLOAD and ADD statements; run other statements with POST …/statements.`,
            );
          }
          const run = { ...commandContext(request), ...(executionTimeout ? { timeoutMs: executionTimeout } : {}) };
          await runInSession(ctx, request.params.sessionHandle, statement, run);
          return {};
        },
      );
    }

    if (hasFeature(version, 'complete-statement')) {
      app.get(
        '/sessions/:sessionHandle/complete-statement',
        {
          schema: { tags, summary: 'Completion hints at a position (GET with a JSON body, as Flink)', params: SessionParams, response: { 200: Type.Object({ candidates: Type.Array(Type.String()) }), ...errorResponses } },
          preValidation: readCompleteBody,
        },
        async (request) => {
          sessions.require(request.params.sessionHandle);
          const body = request.body as Static<typeof CompleteBody>; // checked by readCompleteBody
          const tables = await ctx.tables.listTables();
          return { candidates: completionHints(body.statement, body.position, tables.map((t) => t.definition.table)) };
        },
      );
    }
  };
}
