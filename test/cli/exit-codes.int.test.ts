/**
 * Defect 9 of issue 11: exit codes disagreed with the README (2 for bad usage or input, everywhere), a non-freshet
 * server gave `Unexpected token '<' … not valid JSON`, and `freshet sql ""` printed REST jargon.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../api/support/api-harness.ts';
import { cliProcess, listeningApi } from './support/cli.ts';

let api: ApiHarness & { url: string };
let foreign: Server;
let foreignUrl: string;

beforeAll(async () => {
  api = await listeningApi({ withTables: true });
  // A web server that is not freshet: an HTML page on every path.
  foreign = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>hello</p>'));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const address = foreign.address();
  foreignUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await api.close();
  await new Promise((resolve) => foreign.close(resolve));
});

describe('CLI exit codes and messages', () => {
  it('bad usage or input exits 2: a port out of range, malformed SQL, an empty statement (said in CLI words)', async () => {
    const env = { FRESHET_URL: api.url };
    const [port, malformed, empty] = await Promise.all([
      cliProcess(['serve', '--port', '99999', '--data-dir', api.dir, '--store', 'memory']),
      cliProcess(['sql', 'SELEC 1'], env),
      cliProcess(['sql', ''], env),
    ]);
    expect(port.code, port.err).toBe(2);
    expect(port.err).toContain("Invalid port '99999' (--port)");
    expect(malformed.code, malformed.err).toBe(2);
    expect(malformed.err).toContain('syntax error at or near "SELEC"');
    expect(empty.code, empty.err).toBe(2);
    expect(empty.err).toContain('The statement is empty');
    expect(empty.err).not.toMatch(/body|must NOT have/);
  });

  it('a server at FRESHET_URL that is not freshet: exit 3, saying the address does not answer as freshet', async () => {
    const r = await cliProcess(['tables'], { FRESHET_URL: foreignUrl });
    expect(r.code, r.err).toBe(3);
    expect(r.err).toContain(`${foreignUrl} does not answer as freshet`);
    expect(r.err).not.toContain('Unexpected token');
  });

  it('--url wins over FRESHET_URL; a refusal that is not bad input (an unknown table) exits 1', async () => {
    const r = await cliProcess(['--url', api.url, 'ops', 'no_such_table'], { FRESHET_URL: foreignUrl });
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/no_such_table/);
  });
});
