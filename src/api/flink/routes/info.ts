import { createRequire } from 'node:module';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../schemas/common.ts';
import { GATEWAY_VERSIONS, versionName } from '../versions.ts';

const { version } = createRequire(import.meta.url)('../../../../package.json') as { version: string };
const tags = ['flink'];

/** `GET /api_versions` and `GET /info`: what a Flink client asks first. */
export function infoRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api_versions',
      { schema: { tags, summary: 'The REST API versions served', response: { 200: Type.Object({ versions: Type.Array(Type.String()) }), ...errorResponses } } },
      async () => ({ versions: GATEWAY_VERSIONS.map(versionName) }),
    );
    app.get(
      '/info',
      { schema: { tags, summary: 'Product name and version', response: { 200: Type.Object({ productName: Type.String(), version: Type.String() }), ...errorResponses } } },
      async () => ({ productName: 'freshet', version }),
    );
  };
}
