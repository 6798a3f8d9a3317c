export * from './workflow/index.ts';
