// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The REST API as the console calls it: the session cookie goes along, commands carry the CSRF header, and an
// error is thrown with the API's own words.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Routes another change adds; until the server has them, a 404 from them reads "not available". */
export const notAvailable = (error) => error instanceof ApiError && error.status === 404 && /No route/.test(error.message);

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-freshet-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status line below says what happened
  }
  if (!res.ok) {
    const words = Array.isArray(json?.errors) ? json.errors.join('\n') : `${res.status} ${res.statusText}`;
    if (res.status === 401 && path !== '/v1/session') window.dispatchEvent(new CustomEvent('freshet:signed-out'));
    throw new ApiError(res.status, words);
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const enc = encodeURIComponent;
