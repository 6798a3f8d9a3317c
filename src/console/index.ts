/**
 * The web console's public face: a fastify plugin serving the pages at `/` and their files under `/console/`.
 *
 * Why plain ES modules and no framework: the pages are a table, a few lists and a handful of forms, redrawn from
 * JSON the API already answers. Hand-written modules under `assets/` need no build step (nothing to break on a
 * fresh `npm ci && npm start`), no dependency to audit or ship, and no CDN; they weigh a few tens of kilobytes
 * (under 20 KB gzipped, far below the 200 KB bound) and the browser loads them as they are. A row of the overview
 * is redrawn in place when an event about it arrives, so there is no virtual DOM to pay for either. The browser
 * code is checked where it runs: the real-Chromium tests in test/console.
 */
export { consolePlugin, type ConsoleOptions } from './plugin.ts';
export { compressedSize, loadAssets } from './assets.ts';
export { overviewPage, overviewRow, type OverviewRow } from './overview.ts';
