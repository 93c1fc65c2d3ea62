/**
 * The stylesheet of the built-in interaction pages, inlined and allowed by its CSP hash
 * (page-headers.ts). Colours follow the management console's.
 */
export const PAGE_STYLES = `
:root {
  --bg: #f5f6f8; --card: #ffffff; --text: #1c2330; --muted: #5b6474; --line: #e4e7ec;
  --accent: #3b5bdb; --accent-dark: #2f4ac0; --accent-soft: #edf1ff;
  --danger: #c92a2a; --danger-soft: #fff1f1;
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  min-height: 100vh; display: flex; flex-direction: column; align-items: center;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  background: var(--bg); color: var(--text); padding: 48px 16px;
}
.card {
  width: 100%; max-width: 420px; background: var(--card); border: 1px solid var(--line);
  border-radius: 12px; padding: 32px; box-shadow: 0 1px 2px rgba(16, 24, 40, .06);
}
.brand { display: flex; align-items: center; gap: 10px; margin-bottom: 24px; font-weight: 600; }
.logo {
  display: inline-grid; place-items: center; width: 30px; height: 30px; border-radius: 8px;
  background: var(--accent); color: #fff; font-size: 16px;
}
h1 { font-size: 22px; line-height: 1.3; margin: 0 0 8px; }
p { margin: 0 0 16px; }
.lead { color: var(--muted); }
.app { font-weight: 600; color: var(--text); }
label { display: block; font-weight: 600; margin: 16px 0 6px; }
input[type="text"], input[type="password"] {
  width: 100%; padding: 10px 12px; font: inherit; color: inherit;
  border: 1px solid #cdd2da; border-radius: 8px; background: #fff;
}
input:focus-visible, button:focus-visible {
  outline: 3px solid var(--accent-soft); outline-offset: 1px; border-color: var(--accent);
}
.actions { display: flex; gap: 10px; margin-top: 24px; }
.actions.stacked { flex-direction: column; }
button {
  flex: 1; appearance: none; padding: 11px 16px; font: inherit; font-weight: 600;
  border-radius: 8px; border: 1px solid transparent; cursor: pointer;
}
.primary { background: var(--accent); color: #fff; }
.primary:hover { background: var(--accent-dark); }
.secondary { background: #fff; color: var(--text); border-color: #cdd2da; }
.secondary:hover { background: var(--bg); }
.link {
  flex: none; padding: 0; border: 0; background: none; color: var(--accent);
  font-weight: 500; text-decoration: underline; cursor: pointer;
}
.error {
  margin: 0 0 16px; padding: 10px 12px; border-radius: 8px;
  background: var(--danger-soft); color: var(--danger); border: 1px solid #f3c4c4;
}
.scopes { list-style: none; margin: 0 0 16px; padding: 0; border: 1px solid var(--line); border-radius: 8px; }
.scopes li { padding: 10px 14px; border-top: 1px solid var(--line); }
.scopes li:first-child { border-top: 0; }
.scope { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.scope-text { display: block; }
.new { margin-left: 6px; font-size: 12px; font-weight: 600; color: var(--accent); }
.fine { color: var(--muted); font-size: 13px; margin: 16px 0 0; }
.account { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  margin-top: 20px; padding-top: 16px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
.account form { margin: 0; }
.hint { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.code-input { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 20px;
  letter-spacing: .12em; text-transform: uppercase; text-align: center; }
.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 600;
  letter-spacing: .08em; padding: 2px 6px; border-radius: 6px; background: var(--accent-soft); color: var(--text); }
.device-code { color: var(--muted); }
footer { margin-top: 20px; color: var(--muted); font-size: 12px; }
`;
