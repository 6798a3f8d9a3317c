import type { Command } from 'commander';
import { delimiter } from 'node:path';
import { hostTimeZone, requireTimeZone, UnknownTimeZoneError } from '../clock/index.ts';
import { usage } from './client.ts';

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
  store: string;
  timeZone: string;
  allowReadDirs: string[];
  allowedHosts: string[];
  /** The upstream Flink SQL Gateway (--flink-gateway, FRESHET_FLINK_GATEWAY). */
  flinkGateway?: string;
  /** Further gateways workflows may refresh through (--allow-gateway, FRESHET_ALLOWED_GATEWAYS). */
  allowedGateways: string[];
  token?: string;
}

/** Options shared by the commands that open the store themselves; each falls back to its FRESHET_* variable. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (env FRESHET_DATA_DIR)', process.env.FRESHET_DATA_DIR ?? './data')
    .option('--store <store>', "sqlite | sqlite:<path> | memory | esdb://… (env FRESHET_STORE)", process.env.FRESHET_STORE ?? 'sqlite');
}

export function serveSettings(o: {
  host?: string;
  port?: string;
  dataDir: string;
  store: string;
  timeZone?: string;
  allowReadDir?: string[];
  allowedHost?: string[];
  flinkGateway?: string;
  allowGateway?: string[];
}): ServeSettings {
  const portText = o.port ?? process.env.FRESHET_PORT ?? '8083';
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  const from = o.port !== undefined ? '--port' : 'FRESHET_PORT';
  if (!(port >= 0 && port <= 65_535)) usage(`Invalid port '${portText}' (${from}): use a number from 0 to 65535.`);
  const zone = o.timeZone ?? process.env.FRESHET_TIME_ZONE;
  try {
    if (zone !== undefined) requireTimeZone(zone, o.timeZone !== undefined ? '--time-zone' : 'FRESHET_TIME_ZONE');
  } catch (error) {
    if (error instanceof UnknownTimeZoneError) usage(error.message);
    throw error;
  }
  const flinkGateway = o.flinkGateway ?? process.env.FRESHET_FLINK_GATEWAY;
  return {
    host: o.host ?? process.env.FRESHET_HOST ?? '127.0.0.1',
    port,
    dataDir: o.dataDir,
    store: o.store,
    timeZone: zone ?? hostTimeZone(),
    allowedHosts: o.allowedHost ?? (process.env.FRESHET_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter((h) => h !== ''),
    allowReadDirs: o.allowReadDir ?? (process.env.FRESHET_ALLOW_READ_DIRS ?? '').split(delimiter).filter((d) => d !== ''),
    ...(flinkGateway ? { flinkGateway } : {}),
    allowedGateways: o.allowGateway ?? (process.env.FRESHET_ALLOWED_GATEWAYS ?? '').split(',').map((g) => g.trim()).filter((g) => g !== ''),
    ...(process.env.FRESHET_TOKEN ? { token: process.env.FRESHET_TOKEN } : {}),
  };
}
