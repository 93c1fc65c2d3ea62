import { PAGE_STYLES } from '../../../src/interaction/pages/page-styles.js';

/**
 * The demo pages' stylesheet: the built-in interaction pages' sheet (same visual language),
 * plus what only the demo shows. Inlined and allowed by its CSP hash (demo-page.ts).
 */
export const DEMO_STYLES = `${PAGE_STYLES}
[hidden] { display: none !important; }
.card.wide { max-width: 540px; }
.logo.client { background: #0c8599; }
.badge {
  margin-left: auto; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: var(--accent-soft); color: var(--accent);
}
.steps { margin: 0 0 8px; padding-left: 22px; color: var(--muted); }
.steps li { margin: 6px 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.facts {
  display: grid; grid-template-columns: max-content 1fr; gap: 8px 20px; margin: 0 0 20px;
  padding: 14px 16px; border: 1px solid var(--line); border-radius: 8px;
}
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.ok { color: #2b8a3e; }
pre {
  margin: 0 0 8px; padding: 12px 14px; overflow-x: auto; white-space: pre-wrap; word-break: break-all;
  background: #f8f9fb; border: 1px solid var(--line); border-radius: 8px;
}
a.button {
  flex: 1; display: block; padding: 11px 16px; text-align: center; text-decoration: none;
  font-weight: 600; border-radius: 8px; border: 1px solid transparent;
}
a.button.secondary { border-color: #cdd2da; }
a.button:focus-visible { outline: 3px solid var(--accent-soft); outline-offset: 1px; }
button:disabled { opacity: .6; cursor: progress; }
`;
