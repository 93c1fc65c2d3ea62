// Types of scripts/build-console-script.js, for the staleness test (console-script.spec.ts).

/** The browser source, relative to the repository root. */
export const SOURCE: string;
/** The generated module, relative to the repository root. */
export const TARGET: string;
/** The transpiled script: one strict IIFE, no comments, no module syntax. */
export function transpileConsoleScript(source: string): string;
/** The text of the generated module for this browser source (default: the file on disk). */
export function buildConsoleScriptModule(source?: string): Promise<string>;
export function readSource(): string;
export function readTarget(): string;
