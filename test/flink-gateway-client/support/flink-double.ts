import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { parse } from 'yaml';
import { SPEC_DIR } from '../../api/support/flink-spec.ts';

/**
 * A protocol double of a Flink deployment, not a Flink: the five SQL Gateway calls of the embedded scheduler's job
 * (open session, refresh, fetch the job id, close operation, close session) and the JobManager's `GET /jobs/:jobid`
 * and `/jobs/:jobid/exceptions`, on a real HTTP server over loopback. Every JobManager answer is checked against
 * Flink's own spec (rest_v1_dispatcher.yml) before it is sent, so the double cannot drift from it unnoticed.
 */
export interface FlinkJob {
  state: string;
  'start-time': number;
  'end-time': number;
  duration: number;
  /** A failed job's root cause, served by /exceptions. */
  stacktrace?: string;
}

export interface FlinkDouble {
  url: string;
  jobs: Map<string, FlinkJob>;
  /** Every JobManager look (`GET /jobs/:jobid`), with what the double answered. */
  looks: { jobId: string; status: number }[];
  /** Answer every JobManager request with this status instead (503: down); null to answer normally. */
  jobManagerDown: number | null;
  /** Called at each look before answering: lets a test move the job on after so many looks. */
  onLook?: (jobId: string, n: number) => void;
  /** Job id the next refresh submits (32 hex digits, as Flink's JobID). */
  nextJobId: () => string;
  close(): Promise<void>;
}

/** Validators of the JobManager spec's component schemas; null when the specs are not beside the project. */
function dispatcherValidators(): Record<'JobDetailsInfo' | 'JobExceptionsInfoWithHistory', ValidateFunction> | null {
  if (SPEC_DIR === null) return null;
  const doc = parse(readFileSync(join(SPEC_DIR, 'rest_v1_dispatcher.yml'), 'utf8')) as { components: object };
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its function is the default export's default.
  (formats as unknown as { default: (a: Ajv) => void }).default(ajv);
  ajv.addSchema({ $id: 'dispatcher', components: doc.components });
  return {
    JobDetailsInfo: ajv.compile({ $ref: 'dispatcher#/components/schemas/JobDetailsInfo' }),
    JobExceptionsInfoWithHistory: ajv.compile({ $ref: 'dispatcher#/components/schemas/JobExceptionsInfoWithHistory' }),
  };
}

export async function startFlinkDouble(): Promise<FlinkDouble> {
  const validators = dispatcherValidators();
  let seq = 0;
  const lookCounts = new Map<string, number>();
  const double: FlinkDouble = {
    url: '',
    jobs: new Map(),
    looks: [],
    jobManagerDown: null,
    nextJobId: () => (++seq).toString(16).padStart(32, 'a'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const send = (res: ServerResponse, status: number, body: unknown, schema?: keyof NonNullable<typeof validators>) => {
    const check = schema && validators?.[schema];
    if (check && !check(body)) throw new Error(`the double's ${schema} breaks Flink's spec: ${JSON.stringify(check.errors)}`);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const submitted = new Map<string, string>(); // operation → job id
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      let m: RegExpMatchArray | null;
      if (req.method === 'POST' && path === '/v3/sessions') return send(res, 200, { sessionHandle: `s-${++seq}` });
      if (req.method === 'POST' && /^\/v3\/sessions\/[^/]+\/materialized-tables\/[^/]+\/refresh$/.test(path)) {
        const operationHandle = `o-${++seq}`;
        const jobId = double.nextJobId();
        submitted.set(operationHandle, jobId);
        double.jobs.set(jobId, { state: 'RUNNING', 'start-time': 0, 'end-time': -1, duration: 0 });
        return send(res, 200, { operationHandle });
      }
      if (req.method === 'GET' && (m = path.match(/^\/v3\/sessions\/[^/]+\/operations\/([^/]+)\/result\/0$/))) {
        const jobId = submitted.get(m[1]!) ?? '';
        return send(res, 200, { resultType: 'EOS', isQueryResult: false, resultKind: 'SUCCESS_WITH_CONTENT', jobID: jobId, results: { columns: [], rowFormat: 'JSON', data: [{ kind: 'INSERT', fields: [jobId, { 'execution.target': 'remote' }] }] } });
      }
      if (req.method === 'DELETE') return send(res, 200, { status: 'CLOSED' });
      if (req.method === 'GET' && (m = path.match(/^\/jobs\/([0-9a-f]{32})(\/exceptions)?$/))) {
        const jobId = m[1]!;
        if (double.jobManagerDown !== null) {
          if (!m[2]) double.looks.push({ jobId, status: double.jobManagerDown });
          return send(res, double.jobManagerDown, { errors: ['Service temporarily unavailable.'] });
        }
        if (!m[2]) {
          const n = (lookCounts.get(jobId) ?? 0) + 1;
          lookCounts.set(jobId, n);
          double.onLook?.(jobId, n);
        }
        const job = double.jobs.get(jobId);
        if (!m[2]) double.looks.push({ jobId, status: job ? 200 : 404 });
        if (!job) return send(res, 404, { errors: [`Job ${jobId} not found`] });
        if (m[2]) {
          const entry = { exceptionName: 'org.apache.flink.runtime.JobException', stacktrace: job.stacktrace ?? '', timestamp: job['end-time'], taskName: 'Sink: daily', concurrentExceptions: [] };
          return send(res, 200, { 'root-exception': job.stacktrace ?? '', timestamp: job['end-time'], 'all-exceptions': [], truncated: false, exceptionHistory: { entries: [entry], truncated: false } }, 'JobExceptionsInfoWithHistory');
        }
        return send(res, 200, { jid: jobId, name: 'insert-overwrite_daily', isStoppable: false, state: job.state, 'start-time': job['start-time'], 'end-time': job['end-time'], duration: job.duration, maxParallelism: -1, now: job['end-time'], timestamps: {}, vertices: [], 'status-counts': {}, plan: {} }, 'JobDetailsInfo');
      }
      return send(res, 404, { errors: [`Not found: ${req.method} ${path}`] });
    });
  });
  // A client's kept-alive connections outlive a burst's pauses (the default 5 s would reset them mid-burst).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  double.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return double;
}
