/** What the console shows: the pages of its tables and the open user or client. */

import type { UserView, ClientView } from './api.js';

export type Detail =
  | { kind: 'user'; id: string; record: UserView }
  | { kind: 'client'; id: string; record: ClientView };

export const PER_PAGE = 20;

/** The pages shown, the username filter, the open detail and names seen (for the tokens table). */
export const state: {
  usersPage: number;
  clientsPage: number;
  tokensPage: number;
  consentsPage: number;
  usernameFilter: string;
  detail: Detail | null;
  usernames: Map<string, string>;
  clientNames: Map<string, string>;
} = {
  usersPage: 1,
  clientsPage: 1,
  tokensPage: 1,
  consentsPage: 1,
  usernameFilter: '',
  detail: null,
  usernames: new Map(),
  clientNames: new Map(),
};

/** Whether this row is the open detail (it is highlighted). */
export function selected(kind: Detail['kind'], id: string): boolean {
  return state.detail !== null && state.detail.kind === kind && state.detail.id === id;
}
