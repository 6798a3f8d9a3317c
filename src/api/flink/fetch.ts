import { plainText, type FlinkResult } from './results.ts';
import { TokenOutOfRangeError } from './sessions.ts';
import type { GatewayVersion } from './versions.ts';

export type RowFormat = 'JSON' | 'PLAIN_TEXT';

/** Flink's nextResultUri: V1 has no row format; later versions carry the one asked for. */
export function resultUri(version: GatewayVersion, sessionHandle: string, operationHandle: string, token: number, rowFormat: RowFormat): string {
  const path = `/v${version}/sessions/${sessionHandle}/operations/${operationHandle}/result/${token}`;
  return version === 1 ? path : `${path}?rowFormat=${rowFormat}`;
}

export interface FetchPage {
  resultType: 'PAYLOAD' | 'EOS';
  isQueryResult: boolean;
  jobID?: string;
  resultKind: FlinkResult['resultKind'];
  results: { columns: FlinkResult['columns']; rowFormat: RowFormat; data: { kind: string; fields: unknown[] }[] };
  nextResultUri?: string;
}

/**
 * Page `token` of a finished result: pages 0…n-1 hold `pageSize` rows each (page 0 exists even with no rows),
 * page n is the end of the stream (no rows, no next URI). Any page may be fetched again; past n is an error.
 */
export function fetchPage(result: FlinkResult, token: number, pageSize: number, rowFormat: RowFormat, next: (token: number) => string): FetchPage {
  const pages = Math.max(1, Math.ceil(result.rows.length / pageSize));
  if (token > pages) {
    throw new TokenOutOfRangeError(`Token ${token} is out of range: this result has tokens 0 to ${pages - 1} (its rows) and ${pages} (end of stream).`);
  }
  const rows = token < pages ? result.rows.slice(token * pageSize, (token + 1) * pageSize) : [];
  return {
    resultType: token < pages ? 'PAYLOAD' : 'EOS',
    isQueryResult: result.isQueryResult,
    ...(result.jobID ? { jobID: result.jobID } : {}),
    resultKind: result.resultKind,
    results: { columns: result.columns, rowFormat, data: (rowFormat === 'JSON' ? rows : plainText(rows)).map((fields) => ({ kind: 'INSERT', fields })) },
    ...(token < pages ? { nextResultUri: next(token + 1) } : {}),
  };
}
