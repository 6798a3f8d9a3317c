import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type ApiHarness, createWorkflow, openApi } from './support/api-harness.ts';

interface Frame {
  id?: number;
  data?: { position: number; type: string; streamName: string };
  comment?: string;
}

/** An SSE client over a real socket: frames are parsed as they arrive and awaited, never slept for. */
class SseClient {
  readonly frames: Frame[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  constructor(
    readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\n\n')) >= 0) {
        this.frames.push(parse(this.buffer.slice(0, at)));
        this.buffer = this.buffer.slice(at + 2);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(req, res)));
      req.on('error', reject);
      req.end();
    });
  }

  get events(): Frame[] {
    return this.frames.filter((f) => f.id !== undefined);
  }

  async until(done: (c: SseClient) => boolean): Promise<void> {
    while (!done(this)) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): void {
    this.req.destroy();
  }
}

function parse(block: string): Frame {
  const frame: Frame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else if (line.startsWith('id: ')) frame.id = Number(line.slice(4));
    else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
  }
  return frame;
}

async function streamCount(app: FastifyInstance): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(/^freshet_sse_streams (\d+)$/m.exec(text)?.[1]);
}

describe('GET /v1/events/stream (real port)', () => {
  let h: ApiHarness;
  let base: string;
  beforeEach(async () => {
    h = await openApi({ sse: { heartbeatMs: 25 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterEach(async () => h.close());

  it('catches up, goes live, and resumes after Last-Event-ID with no gap and no duplicate', async () => {
    const a = await createWorkflow(h.app, '`c`.`d`.`a`');
    await createWorkflow(h.app, '`c`.`d`.`b`');

    const first = await SseClient.open(`${base}/v1/events/stream`);
    expect(first.res.statusCode).toBe(200);
    expect(first.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await first.until((c) => c.events.length === 2);
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${a}/suspend` }); // live
    await first.until((c) => c.events.length === 3);
    await first.until((c) => c.frames.some((f) => f.comment === 'heartbeat'));
    const lastSeen = first.events.at(-1)?.id ?? 0;
    first.close();
    // The server notices the disconnect and drops the subscription.
    while ((await streamCount(h.app)) !== 0) await new Promise<void>((r) => setImmediate(r));

    // While nobody listens.
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${a}/resume` });
    await createWorkflow(h.app, '`c`.`d`.`e`');

    const second = await SseClient.open(`${base}/v1/events/stream?from=0`, { 'last-event-id': String(lastSeen) });
    const all = await h.runtime.store.readAll();
    const expected = all.filter((e) => e.position > lastSeen).map((e) => e.position);
    await second.until((c) => c.events.length >= expected.length);
    second.close();

    const seen = [...first.events, ...second.events].map((f) => f.id);
    expect(seen).toStrictEqual(all.map((e) => e.position)); // every event once, in order
    expect(first.events.map((f) => f.id)).toStrictEqual(first.events.map((f) => f.data?.position));
    expect(second.events[0]?.data?.type).toBe('WorkflowResumed');
  });

  it('filters by stream prefix and type', async () => {
    const a = await createWorkflow(h.app, '`c`.`d`.`a`');
    const b = await createWorkflow(h.app, '`c`.`d`.`b`');
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${b}/suspend` });
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${a}/suspend` });
    const client = await SseClient.open(`${base}/v1/events/stream?stream=workflow-${b}&type=WorkflowSuspended`);
    await client.until((c) => c.events.length === 1);
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${b}/resume` });
    await h.app.inject({ method: 'POST', url: `/v1/workflows/${b}/suspend` });
    await client.until((c) => c.events.length === 2);
    client.close();
    expect(client.events.map((f) => [f.data?.streamName, f.data?.type])).toStrictEqual([
      [`workflow-${b}`, 'WorkflowSuspended'],
      [`workflow-${b}`, 'WorkflowSuspended'],
    ]);
  });

  it('a bad Last-Event-ID is a 400 before the stream starts; shutdown ends open streams', async () => {
    const bad = await h.app.inject({ method: 'GET', url: '/v1/events/stream', headers: { 'last-event-id': 'abc' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toContain('Last-Event-ID');
    const client = await SseClient.open(`${base}/v1/events/stream`);
    const ended = new Promise<void>((r) => client.res.on('end', r));
    await h.app.close();
    await ended;
  });
});
