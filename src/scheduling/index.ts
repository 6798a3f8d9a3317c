export * from './cron/index.ts';
export * from './engine/index.ts';
