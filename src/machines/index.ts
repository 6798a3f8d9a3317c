export * from './workflow/index.ts';
export * from './operation/index.ts';
