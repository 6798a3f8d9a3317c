import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Flink's published OpenAPI specs of the SQL Gateway REST API: `FRESHET_FLINK_SPECS`, else `shared/flink` beside the
 * project or beside any folder above it (a clone may sit deeper than the checkout). Null when none is found: the
 * suites that need them say so and skip.
 */
export const SPEC_DIR: string | null = (() => {
  if (process.env.FRESHET_FLINK_SPECS) return process.env.FRESHET_FLINK_SPECS;
  for (let dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'flink');
    if (existsSync(join(candidate, 'rest_v1_sql_gateway.yml'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
})();

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
  responses: { '200': { content?: { 'application/json': { schema: { $ref: string } } } } };
}

export interface SpecEndpoint {
  method: string;
  /** As the spec writes it: `/sessions/{session_handle}`. */
  path: string;
  /** As freshet's routes write it: `/sessions/:sessionHandle`. */
  route: string;
  query: { name: string; required: boolean }[];
  request?: ValidateFunction;
  response?: ValidateFunction;
}

const ROUTE_PARAMS: Record<string, string> = { session_handle: 'sessionHandle', operation_handle: 'operationHandle', token: 'token', identifier: 'identifier' };

/** One version's endpoints, each with Ajv validators compiled from the spec's own component schemas. */
export function loadSpec(version: number): SpecEndpoint[] {
  if (SPEC_DIR === null) throw new Error("Flink's OpenAPI specs (shared/flink) were not found beside the project: set FRESHET_FLINK_SPECS.");
  const doc = parse(readFileSync(join(SPEC_DIR, `rest_v${version}_sql_gateway.yml`), 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: object };
  // OpenAPI 3.0 schema objects are JSON Schema plus keywords Ajv need not know; refs resolve inside the document.
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its function is the default export's default.
  (formats as unknown as { default: (a: Ajv) => void }).default(ajv);
  ajv.addSchema({ $id: 'spec', components: doc.components });
  const compile = (ref: string | undefined) => (ref === undefined ? undefined : ajv.compile({ $ref: `spec${ref}` }));
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      route: path.replace(/\{(\w+)\}/g, (_, name: string) => `:${ROUTE_PARAMS[name] ?? name}`),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true })),
      request: compile(op.requestBody?.content['application/json'].schema.$ref),
      response: compile(op.responses['200'].content?.['application/json'].schema.$ref),
    })),
  );
}

/** The spec endpoint a concrete URL is an instance of (`/v2/sessions/abc/heartbeat` → `/sessions/{session_handle}/heartbeat`). */
export function endpointOf(spec: SpecEndpoint[], method: string, path: string): SpecEndpoint | undefined {
  return spec.find((e) => e.method === method && new RegExp(`^${e.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
}

export const errorsOf = (v: ValidateFunction | undefined): string => JSON.stringify(v?.errors ?? []);
