/**
 * When a device asked, in words for the confirmation page (RFC 8628 §3.3 "the end user ...
 * should be informed" of what they approve): `just now`, `1 minute ago`, `5 minutes ago`,
 * `2 hours ago`. A clock that moved back reads as `just now`.
 */
export function timeAgo(elapsedMs: number): string {
  const minutes = Math.floor(elapsedMs / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
}
