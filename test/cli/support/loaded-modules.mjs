// Preloaded (`node --import`) into a CLI process under test: every module URL the process resolves is appended to
// the file FRESHET_TEST_LOADED names, and fetch throws, so a test sees what a command loads at start.
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(process.env.FRESHET_TEST_LOADED)}, resolved.url + '\\n');
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
globalThis.fetch = () => {
  throw new Error('fetch was called');
};
