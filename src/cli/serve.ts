import { type Command, Option } from 'commander';
import { durationMs } from '../clock/index.ts';
import { usage } from './client.ts';
import type { LogFormat } from './server-log.ts';
import { addStoreOptions, serveSettings } from './settings.ts';

export function registerServe(program: Command): void {
  addStoreOptions(
    program
      .command('serve')
      .description('Run freshet: the engine, the warehouse and the REST API (Flink-compatible /v3, freshet /v1)')
      .option('--host <host>', 'address to listen on (env FRESHET_HOST)', undefined)
      .option('--port <port>', 'port (env FRESHET_PORT, default 8083 as Flink SQL Gateway)', undefined)
      .option('--time-zone <zone>', 'IANA zone of new workflows and partitions (env FRESHET_TIME_ZONE, default: host zone)')
      .option('--allowed-host <name...>', 'a host name clients address freshet by (the Host header), beyond the loopback names and --host; repeatable, "*" for any (env FRESHET_ALLOWED_HOSTS, comma-separated)')
      .addOption(new Option('--shutdown-grace <duration>', 'on Ctrl-C/SIGTERM, how long running refreshes may take to finish before they are cut and recorded interrupted, e.g. 30s, 2min').env('FRESHET_SHUTDOWN_GRACE').default('30 s'))
      .addOption(new Option('--log-format <format>', 'server log lines: pretty (readable) or json (for machines); default pretty on a terminal, else json').choices(['pretty', 'json']).env('FRESHET_LOG_FORMAT'))
      .option('--flink-gateway <url>', "the upstream Flink SQL Gateway workflows may refresh through (its restEndpointUrl), e.g. http://flink-gateway:8083 (env FRESHET_FLINK_GATEWAY)")
      .option('--flink-jobmanager <url>', "the Flink JobManager's REST address; remote refresh jobs are followed there to their end for the ledger, e.g. http://jobmanager:8081 (env FRESHET_FLINK_JOBMANAGER)")
      .option('--allow-gateway <url...>', 'a further gateway a workflow restEndpointUrl may name; repeatable (env FRESHET_ALLOWED_GATEWAYS, comma-separated)')
      .addOption(new Option('--node-id <id>', "this node's identity in a cluster (claims, logs); default: one generated and kept in the data directory").env('FRESHET_NODE_ID'))
      .addOption(new Option('--warehouse <mode>', 'embedded: refresh in this node\'s DuckDB (one node); gateway: only through gateways, as every node of a cluster on a shared PostgreSQL store must').choices(['embedded', 'gateway']).env('FRESHET_WAREHOUSE').default('embedded'))
      .addOption(new Option('--misfire-threshold <duration>', 'a fire later than this is a misfire; a dead node\'s claims are taken over after it, e.g. 60s (Flink\'s default)').env('FRESHET_MISFIRE_THRESHOLD'))
      .option('--retention <duration>', 'archive fire-level history older than this, e.g. 7d (default: keep it all in the log); see freshet archive')
      .option('--retention-for <workflowId=duration...>', 'a workflow\'s own retention, e.g. orders-hourly=30d or =off; repeatable')
      .option('--archive-every <duration>', 'how often the archive runs under --retention (default 1h)')
      .option('--allow-read-dir <dir...>', 'a directory SQL statements may read files from, e.g. CSV sources; repeatable (env FRESHET_ALLOW_READ_DIRS, separated by ":"; default: none)'),
  ).action(async (o: { host?: string; port?: string; dataDir: string; store: string; timeZone?: string; allowReadDir?: string[]; allowedHost?: string[]; flinkGateway?: string; flinkJobmanager?: string; allowGateway?: string[]; logFormat?: LogFormat; shutdownGrace: string; nodeId?: string; warehouse: 'embedded' | 'gateway'; misfireThreshold?: string; retention?: string; retentionFor?: string[]; archiveEvery?: string }) => {
    const s = serveSettings(o);
    const archive = await archiveSettings(o, s.store);
    const graceMs = durationMs(o.shutdownGrace);
    if (graceMs === undefined) usage(`--shutdown-grace '${o.shutdownGrace}': use a whole number and a unit (ms, s, min, h), e.g. '30 s'.`);
    const misfireThresholdMs = o.misfireThreshold === undefined ? undefined : durationMs(o.misfireThreshold);
    if (o.misfireThreshold !== undefined && !(misfireThresholdMs !== undefined && misfireThresholdMs > 0)) usage(`--misfire-threshold '${o.misfireThreshold}': use a positive whole number and a unit (ms, s, min, h), e.g. '60 s'.`);
    const format: LogFormat = o.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
    // Loaded here, not at the top: the client commands start in a fraction of the time without the server's modules.
    const [{ openFreshet, NodeLeaseError, NodeIdError }, { startServer }, { logStateChanges, prettyStream }] = await Promise.all([import('../runtime/index.ts'), import('../api/index.ts'), import('./server-log.ts')]);
    // The engine starts once the server listens: /healthz answers while a big log loads and its fires catch up.
    const jobManager = o.flinkJobmanager ?? process.env.FRESHET_FLINK_JOBMANAGER;
    const gateways = { ...(s.flinkGateway ? { upstream: s.flinkGateway } : {}), allowed: s.allowedGateways, ...(jobManager ? { jobManager } : {}) };
    // A lost lease (a cluster node cut off from PostgreSQL) has stopped the engine: the server goes too, so a
    // supervisor restarts the node, and the other nodes take its claims over after the misfire threshold.
    let leaseLost = (reason: string): void => void reason;
    let runtime;
    try {
      runtime = await openFreshet({
        dataDir: s.dataDir,
        store: s.store,
        timeZone: s.timeZone,
        allowReadDirs: s.allowReadDirs,
        gateways,
        engine: 'deferred',
        warehouse: o.warehouse,
        ...(o.nodeId !== undefined ? { nodeId: o.nodeId } : {}),
        ...(misfireThresholdMs !== undefined ? { misfireThresholdMs } : {}),
        onLeaseLost: (reason) => leaseLost(reason),
        ...(archive
          ? {
              archive: {
                ...archive,
                onArchived: (r) => {
                  if (r.record) process.stderr.write(`freshet: archived ${r.record.events} event(s) to ${r.record.file}, removed ${r.removed} from the log\n`);
                },
                onError: (error) => process.stderr.write(`freshet: archiving failed (the next run tries again): ${(error as Error).message}\n`),
              },
            }
          : {}),
      });
    } catch (error) {
      if (error instanceof NodeLeaseError || error instanceof NodeIdError) usage(error.message);
      throw error;
    }
    const logger = { level: process.env.FRESHET_LOG_LEVEL ?? 'warn', ...(format === 'pretty' ? { stream: prettyStream((line) => process.stdout.write(line)) } : {}) };
    let server;
    try {
      server = await startServer({ runtime, host: s.host, port: s.port, allowedHosts: s.allowedHosts, logger, ...(s.token ? { token: s.token } : {}) });
    } catch (error) {
      await runtime.close();
      throw error;
    }
    for (const notice of runtime.notices) process.stderr.write(`freshet: ${notice}\n`);
    const stopStateLog = await logStateChanges(runtime, server.app.log);
    const workflows = runtime.scheduler.queries.list().total;
    const node = /^postgres/.test(s.store) || runtime.config.warehouse === 'gateway' ? `, node: ${runtime.config.nodeId} (engine ${runtime.config.engineId}), warehouse: ${runtime.config.warehouse}` : '';
    process.stderr.write(`freshet listening on ${server.url} (store: ${s.store}, data: ${s.dataDir}, zone: ${s.timeZone}, ${workflows} workflow(s)${node}); API docs at ${server.url}/docs\n`);
    const running = server;
    runtime.startEngine().catch((error: unknown) => {
      process.stderr.write(`freshet: the engine could not start: ${(error as Error).message}\n`);
      process.exitCode = 1;
      void running.close();
    });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`freshet: ${signal}, finishing in-flight refreshes (up to ${o.shutdownGrace}; then they are recorded interrupted) and closing the store…\n`);
      stopStateLog();
      void server.close({ graceMs }).then(
        () => process.stderr.write('freshet stopped.\n'),
        (error: unknown) => {
          process.stderr.write(`freshet: shutdown failed: ${(error as Error).message}\n`);
          process.exitCode = 1;
        },
      );
    };
    leaseLost = (reason) => {
      process.stderr.write(`freshet: node ${runtime.config.nodeId} lost its lease on the store: ${reason}. It stopped firing and shuts down; the other nodes take its claims over after the misfire threshold.\n`);
      process.exitCode = 1;
      stop('the lease is lost');
    };
    process.once('SIGINT', () => stop('SIGINT received'));
    process.once('SIGTERM', () => stop('SIGTERM received'));
  });
}

/** --retention / --retention-for / --archive-every, checked before anything opens; undefined: no archiving. */
async function archiveSettings(o: { retention?: string; retentionFor?: string[]; archiveEvery?: string }, store: string) {
  if (o.retention === undefined && o.retentionFor === undefined) {
    if (o.archiveEvery !== undefined) usage('--archive-every needs --retention (or --retention-for): without a retention nothing is archived.');
    return undefined;
  }
  const { retentionOf, RetentionSpecError } = await import('../archive/index.ts');
  if (!/^sqlite/.test(store)) usage(`--retention is not yet available on the ${store.split(':')[0]} store: retention works on a SQLite store (the default).`);
  let retention;
  try {
    retention = retentionOf(o.retention, o.retentionFor ?? []);
  } catch (error) {
    if (error instanceof RetentionSpecError) usage(error.message);
    throw error;
  }
  const everyMs = durationMs(o.archiveEvery ?? '1 h');
  if (everyMs === undefined || everyMs < 60_000) usage(`--archive-every '${o.archiveEvery}': use a duration of at least 1 min, e.g. 1h or 30 min.`);
  return { retention, everyMs: everyMs! };
}
