/**
 * The subject of an account counter: the normalized username and the client address (`-` when
 * the platform gave none), so each (account, address) pair has its own lockout.
 */
export function accountSubject(username: string, address: string | undefined): string {
  return `${normalizeUsername(username)}\u0000${address ?? '-'}`;
}

/**
 * One counter per username however it is spelled: Unicode-compatibility folded, case-folded
 * and trimmed. Sharing a counter between "Alice" and "alice" errs on the safe side for user
 * stores that compare usernames loosely.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase().trim();
}
