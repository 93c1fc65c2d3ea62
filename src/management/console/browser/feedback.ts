/** The alert line, and the wrappers that route a handler's errors into it. */

import { ApiError } from './api.js';
import { $ } from './dom.js';

export function showAlert(text: string, ok: boolean): void {
  $('alert-text').textContent = text;
  $('alert').className = ok ? 'alert ok' : 'alert';
  $('alert').hidden = false;
}

export function clearAlert(): void {
  $('alert').hidden = true;
}

export function showError(error: unknown, form?: HTMLFormElement | null): void {
  const body = error instanceof ApiError ? error.body : {};
  let text =
    body.message || (error instanceof Error ? error.message : undefined) || 'The request failed';
  if (body.field) text += ' (field: ' + body.field + ')';
  showAlert(text, false);
  if (form && body.field) {
    const input = form.querySelector<HTMLElement>('[name="' + CSS.escape(body.field) + '"]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

// Wraps a handler: clears old errors, disables the form's buttons meanwhile, shows API errors.
export function action(form: HTMLFormElement | null, task: (event?: Event) => Promise<unknown>) {
  return async function (event?: Event): Promise<void> {
    if (event) event.preventDefault();
    clearAlert();
    const buttons = form ? Array.from(form.querySelectorAll('button')) : [];
    if (form) {
      form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
    }
    buttons.forEach((button) => (button.disabled = true));
    try {
      await task(event);
    } catch (error) {
      showError(error, form);
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  };
}

/** A click handler that clears the alert, runs the task and shows its error, if any. */
export function guarded(task: () => unknown): () => Promise<void> {
  return () => {
    clearAlert();
    return Promise.resolve()
      .then(task)
      .then(
        () => undefined,
        (error: unknown) => showError(error),
      );
  };
}
