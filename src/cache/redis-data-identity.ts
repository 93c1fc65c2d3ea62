/**
 * Parsing helpers of the stale-data check (ADR 0017): which data a Redis deployment holds is
 * told by `INFO server` (`run_id`) and, on Cluster, `CLUSTER NODES`
 * (https://redis.io/commands/cluster-nodes/).
 */

/** Primaries that serve slots, from CLUSTER NODES (`id addr flags master ping pong epoch link slots…`). */
export function servingPrimaries(
  nodes: string,
): Array<{ id: string; address: string; failing: boolean }> {
  return nodes
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((fields) => fields.length > 8 && fields[2].split(',').includes('master'))
    .map((fields) => ({
      id: fields[0],
      address: fields[1].split('@')[0],
      failing: fields[2].split(',').some((flag) => flag === 'fail' || flag === 'fail?'),
    }));
}

export function runId(info: string): string {
  const match = /^run_id:(\w+)/m.exec(info);
  if (match === null) throw new Error('INFO server without run_id');
  return match[1];
}

/** Escapes Redis glob metacharacters so a key prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
