/** Small pieces of the tables and forms: dates, badges, scope chips, ids, pagers, fields. */

import type { PageView } from './api.js';
import { h } from './dom.js';

export function when(iso: string | null | undefined): string {
  return iso
    ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : '\u2014';
}

export function badge(text: string, kind?: string): HTMLSpanElement {
  return h('span', { className: 'badge ' + (kind || ''), text });
}

export function chips(scope: string | null | undefined, emptyText: string): HTMLSpanElement[] {
  const tokens = (scope || '').split(' ').filter(Boolean);
  if (tokens.length === 0) return [h('span', { className: 'muted', text: emptyText })];
  return tokens.map((token) => h('span', { className: 'chip', text: token }));
}

export function shortId(id: string, short?: boolean): HTMLSpanElement {
  return h('span', { className: 'mono ellipsis' + (short ? ' short' : ''), title: id, text: id });
}

export function known(name: string | undefined, id: string): HTMLSpanElement {
  return name ? h('span', { className: 'nowrap', title: id, text: name }) : shortId(id, true);
}

export function emptyRow(colspan: number, text: string): HTMLTableRowElement {
  return h('tr', null, [h('td', { colspan, className: 'empty', text })]);
}

export function pager(
  container: HTMLElement,
  page: PageView<unknown>,
  go: (page: number) => void,
): void {
  container.replaceChildren();
  const pages = Math.max(1, Math.ceil(page.total / page.per_page));
  const position = pages > 1 ? ' \u00b7 page ' + page.page + ' of ' + pages : '';
  container.appendChild(h('span', { text: page.total + ' total' + position }));
  if (pages > 1) {
    container.appendChild(
      h('button', {
        type: 'button',
        className: 'btn small',
        text: 'Previous',
        disabled: page.page <= 1,
        onclick: () => go(page.page - 1),
      }),
    );
    container.appendChild(
      h('button', {
        type: 'button',
        className: 'btn small',
        text: 'Next',
        disabled: page.page >= pages,
        onclick: () => go(page.page + 1),
      }),
    );
  }
}

export function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', null, [
    label,
    input,
    hint ? h('span', { className: 'hint', text: hint }) : null,
  ]);
}
