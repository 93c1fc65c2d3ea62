// Types of scripts/build-console-script.js, for the staleness test (console-script.spec.ts).

/** One browser source file: its name in the browser folder and its text. */
export interface ConsoleSource {
  name: string;
  text: string;
}

/** The browser sources' folder and the generated module, relative to the repository root. */
export const SOURCE_DIR: string;
export const TARGET: string;
/** The browser files in the order their top-level statements run; the entry last. */
export const FILES: readonly string[];
/** The sources joined into one strict IIFE (no comments, no module syntax). */
export function transpileConsoleScript(sources?: readonly ConsoleSource[]): string;
/** The text of the generated module (default: from the sources on disk). */
export function buildConsoleScriptModule(sources?: readonly ConsoleSource[]): Promise<string>;
export function readSources(): ConsoleSource[];
export function readTarget(): string;
