// @ts-nocheck -- browser code, exercised by the real-Chromium tests in test/console.
// A modal form: <dialog> gives focus trapping and Escape for free; errors appear inside it in the API's words.
import { h, replace } from './dom.mjs';

/**
 * Opens a dialog titled `title` around `fields`; `submit(form)` runs on the confirm button and may throw
 * (the dialog stays open with the message) or return false to stay open without one (a dry run shown).
 */
export function openDialog(title, fields, confirm, submit) {
  const error = h('p', { class: 'error', role: 'alert' });
  const ok = h('button', { type: 'submit', class: 'primary' }, confirm);
  const form = h('form', { method: 'dialog' }, h('h2', {}, title), fields, error,
    h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), ok));
  const dialog = h('dialog', { 'aria-label': title }, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    ok.disabled = true;
    replace(error);
    try {
      if ((await submit(form, ok)) !== false) dialog.close();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      ok.disabled = false;
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

export const field = (label, input) => h('label', {}, label, input);
