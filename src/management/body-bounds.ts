/**
 * Bounds on a management request body, checked before validation (issue 15, ADR 0015). The
 * deepest legitimate body is an object holding arrays of strings (depth 2); class-transformer
 * recurses once per level and overflows the stack at a few thousand, which used to be a 500.
 */
export const MAX_BODY_DEPTH = 8;
/** Values (objects, arrays, primitives) in one body; a client's lists are far shorter. */
export const MAX_BODY_VALUES = 1_000;
/** Characters of all keys and strings together. */
export const MAX_BODY_CHARACTERS = 64 * 1024;

/**
 * Why `body` is out of bounds, or `undefined` when it is within them. Walks the value with an
 * explicit stack, never by recursion, so the check itself cannot overflow; it stops at the
 * first bound crossed.
 */
export function bodyBoundsViolation(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  let values = 1;
  let characters = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value === 'string') characters += value.length;
    if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_BODY_DEPTH)
        return `The request body nests deeper than ${MAX_BODY_DEPTH} levels`;
      const children: unknown[] = Array.isArray(value) ? value : Object.keys(value);
      values += children.length;
      if (values > MAX_BODY_VALUES)
        return `The request body holds more than ${MAX_BODY_VALUES} values`;
      if (Array.isArray(value)) {
        for (const child of value) pending.push({ value: child, depth: depth + 1 });
      } else {
        for (const [key, child] of Object.entries(value)) {
          characters += key.length;
          pending.push({ value: child, depth: depth + 1 });
        }
      }
    }
    if (characters > MAX_BODY_CHARACTERS) {
      return `The request body holds more than ${MAX_BODY_CHARACTERS} characters`;
    }
  }
  return undefined;
}
