import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GatewayContext } from './gateway.ts';
import { infoRoutes } from './routes/info.ts';
import { operationRoutes } from './routes/operations.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { statementRoutes } from './routes/statements.ts';

/** Flink's SQL Gateway REST API for one version: register it at `/v<n>`, and the default version also at `/`. */
export function flinkGatewayRoutes(ctx: GatewayContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(infoRoutes());
    await app.register(sessionRoutes(ctx));
    await app.register(statementRoutes(ctx));
    await app.register(operationRoutes(ctx));
  };
}

export type { GatewayContext } from './gateway.ts';
export { registerGatewayProxy } from './proxy.ts';
export { HIDDEN_CONTENT, isSensitive, maskSensitive } from './config.ts';
export { OperationNotFoundError, SessionNotFoundError, SessionRegistry, type SessionOptions, StatementFailedError, TokenOutOfRangeError } from './sessions.ts';
export { DEFAULT_VERSION, GATEWAY_VERSIONS, type GatewayVersion, hasFeature } from './versions.ts';
