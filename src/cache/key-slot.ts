/**
 * Redis Cluster key slots (https://redis.io/docs/reference/cluster-spec/#key-distribution-model):
 * `CRC16(key) mod 16384`, where only the hash tag is hashed when the key has one (the text
 * between the first `{` and the next `}`, if not empty). Multi-key commands (MGET, MULTI/EXEC,
 * Lua scripts) must keep their keys within one slot on Cluster; ADR 0012 says which keys share a
 * tag and which are grouped by slot instead.
 */
export const CLUSTER_SLOTS = 16384;

const TABLE = buildTable();

function buildTable(): Uint16Array {
  // CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as the cluster spec requires.
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i += 1) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/** The part of `key` that decides its slot: the hash tag when there is one, else the key. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** The Cluster slot of `key` (what `CLUSTER KEYSLOT key` answers). */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % CLUSTER_SLOTS;
}

/** Groups items by the slot of their key, keeping their order within each group. */
export function groupBySlot<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = keySlot(keyOf(item));
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}
