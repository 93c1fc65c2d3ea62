import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** README.md of this repository. */
export function readme(): string {
  return readFileSync(join(process.cwd(), 'README.md'), 'utf8');
}

/** One fenced code block: its language, text and the line it starts on. */
export interface CodeBlock {
  lang: string;
  code: string;
  line: number;
  /** The HTML comment right above the fence, e.g. `walkthrough` for `<!-- walkthrough -->`. */
  marker?: string;
}

/** Every fenced code block of `text`, in order. */
export function codeBlocks(text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    const marker = /^<!--\s*([\w-]+)\s*-->$/.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n'), line: i + 2, marker });
    i = end;
  }
  return blocks;
}

/**
 * The output a walkthrough block promises: its `# ` comment lines that are not step headings
 * (`# 4. …`) or their continuation (`#    …`).
 */
export function expectedOutput(code: string): string[] {
  return code
    .split('\n')
    .filter((line) => /^# \S/.test(line) && !/^# \d+\. /.test(line))
    .map((line) => line.slice(2));
}

/**
 * Whether `actual` lines contain `expected` in order (other lines may come between), `…`
 * standing for any text. Returns the first expected line not found, or `undefined`.
 */
export function firstMissing(actual: string[], expected: string[]): string | undefined {
  let from = 0;
  for (const wanted of expected) {
    const pattern = new RegExp(
      `^${wanted
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const at = actual.findIndex((line, i) => i >= from && pattern.test(line));
    if (at === -1) return wanted;
    from = at + 1;
  }
  return undefined;
}
