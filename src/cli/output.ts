import type { ApiRefusedError } from './management-client.js';

/** Where a command writes; the real process streams, or buffers in unit tests. */
export interface Streams {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processStreams: Streams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

type Row = Record<string, unknown>;

/** One cell: arrays space-joined, `null`/`undefined` as `-`. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
}

/** A plain-text table with a header row, columns padded to their widest cell. */
export function table(rows: readonly Row[], columns: readonly string[]): string {
  const cells = [
    columns.map((c) => c.toUpperCase()),
    ...rows.map((r) => columns.map((c) => cell(r[c]))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells
    .map((line) =>
      line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]))).join('  '),
    )
    .join('\n')
    .concat('\n');
}

/** One record as `key  value` lines, in the API's field order. */
export function record(row: Row): string {
  const keys = Object.keys(row);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cell(row[k])}`).join('\n') + '\n';
}

/** The API's JSON for scripts (`--json`): exactly what it answered, pretty-printed. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A page of a list: the table and a `page p of n (t total)` line. */
export function page(body: unknown, columns: readonly string[]): string {
  const {
    items,
    total,
    page: number,
    per_page: perPage,
  } = body as {
    items: Row[];
    total: number;
    page: number;
    per_page: number;
  };
  const pages = Math.max(1, Math.ceil(total / perPage));
  return `${table(items, columns)}page ${number} of ${pages} (${total} total)\n`;
}

/**
 * A refusal as the API gave it. With `--json`, the body verbatim; otherwise the status, the
 * `error` code and `message`, and every field error.
 */
export function refusal(error: ApiRefusedError, asJson: boolean): string {
  if (asJson) return json(error.body);
  const { body, status } = error;
  const code = typeof body.error === 'string' ? body.error : 'error';
  const message = typeof body.message === 'string' ? body.message : JSON.stringify(body);
  let text = `nestjs-sentinel: HTTP ${status} ${code}: ${message}\n`;
  if (Array.isArray(body.errors) && body.errors.length > 1) {
    for (const item of body.errors as Array<{ field?: unknown; message?: unknown }>) {
      text += `  ${String(item.field)}: ${String(item.message)}\n`;
    }
  }
  return text;
}
