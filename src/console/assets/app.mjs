// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// The console's entry: signs in when the server asks for a token, then routes `#/` (overview) and
// `#/table/<identifier>` (a table's page) by the URL's hash, so the server serves one page.
import { ApiError, api, get } from './api.mjs';
import { h, replace } from './dom.mjs';
import { disconnect } from './live.mjs';
import { overview } from './overview.mjs';
import { tablePage } from './table-page.mjs';

const main = document.getElementById('main');
let leave = () => {};

function route() {
  leave();
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const table = /^\/table\/(.+)$/.exec(path ?? '');
  leave = table ? tablePage(main, decodeURIComponent(table[1]), params) : overview(main, params);
}

function signIn(message) {
  disconnect();
  const token = h('input', { type: 'password', id: 'token', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'card signin', 'aria-label': 'Sign in' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'This freshet asks for its token (FRESHET_TOKEN). It is exchanged for a session cookie that scripts cannot read; the token is not kept.'),
    h('label', {}, 'Token', token), error, h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/v1/session', { token: token.value });
      await start();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  leave();
  leave = () => {};
  replace(main, form);
  token.focus();
}

function showWho(session) {
  const who = document.getElementById('who');
  if (!session.required) return replace(who, h('span', { class: 'muted' }, 'no sign-in (loopback, no token)'));
  replace(who, h('span', { class: 'muted' }, `${session.actor} `), h('button', { type: 'button', onclick: async () => (await api('DELETE', '/v1/session'), signIn('Signed out.')) }, 'Sign out'));
}

async function start() {
  try {
    const session = await get('/v1/session');
    if (!session.signedIn) return signIn();
    showWho(session);
    route();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signIn();
    replace(main, h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('freshet:signed-out', () => signIn('The session has ended: sign in again.'));
void start();
