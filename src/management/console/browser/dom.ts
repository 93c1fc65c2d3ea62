/** Element look-up and creation. API data goes into `textContent` only, never parsed as HTML. */

export type Listener = (event: Event) => unknown;
export type PropValue = string | number | boolean | null | undefined | Listener;
export type Child = Node | string | null | undefined;

/** The page's element with this id; the markup is ours, so a missing one is a bug. */
export function $(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The page has no #${id}`);
  return node;
}

export function $input(id: string): HTMLInputElement {
  const node = $(id);
  if (!(node instanceof HTMLInputElement)) throw new Error(`#${id} is not an input`);
  return node;
}

export function $form(id: string): HTMLFormElement {
  const node = $(id);
  if (!(node instanceof HTMLFormElement)) throw new Error(`#${id} is not a form`);
  return node;
}

/**
 * Builds an element: `text` becomes its textContent (never HTML), `className` its class, `on…`
 * a listener, anything else an attribute (`true` an empty one; `false`, `null` and `undefined`
 * none).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Record<string, PropValue> | null,
  children?: readonly Child[],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    } else if (key === 'text') node.textContent = String(value);
    else if (key === 'className') node.className = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children ?? []) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}
