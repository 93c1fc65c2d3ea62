/** The console's stylesheet, inlined into the page and allowed by its CSP hash. */
export const CONSOLE_STYLES = `
:root {
  --bg: #f5f6f8; --card: #ffffff; --text: #1c2330; --muted: #667085; --line: #e4e7ec;
  --accent: #3b5bdb; --accent-dark: #2f4ac0; --accent-soft: #edf1ff;
  --danger: #c92a2a; --danger-soft: #fff1f1; --ok: #2b8a3e; --ok-soft: #ebfbee;
  --warn-soft: #fff8e6; --warn-line: #f2c94c;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  background: var(--bg); color: var(--text);
}
[hidden] { display: none !important; }
.topbar {
  display: flex; align-items: center; justify-content: space-between; gap: 16px;
  padding: 14px 28px; background: #111827; color: #f9fafb;
}
.brand { display: flex; align-items: center; gap: 10px; font-size: 16px; font-weight: 600; }
.logo {
  display: inline-grid; place-items: center; width: 28px; height: 28px; border-radius: 7px;
  background: var(--accent); color: #fff; font-size: 15px;
}
.brand .sub { color: #9ca3af; font-weight: 400; }
.where { font-family: var(--mono); font-size: 12px; color: #9ca3af; }
main { max-width: 1240px; margin: 0 auto; padding: 22px 28px 48px; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 18px; }
.tab {
  appearance: none; border: 0; background: none; padding: 10px 14px; font: inherit;
  font-weight: 600; color: var(--muted); cursor: pointer; border-bottom: 2px solid transparent;
  margin-bottom: -1px;
}
.tab[aria-selected="true"] { color: var(--accent); border-bottom-color: var(--accent); }
.tab .count {
  display: inline-block; min-width: 20px; margin-left: 6px; padding: 0 6px; border-radius: 10px;
  background: var(--line); color: var(--muted); font-size: 12px; text-align: center;
}
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 18px; align-items: start; }
@media (max-width: 960px) { .layout { grid-template-columns: 1fr; } }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); padding: 18px 20px; margin-bottom: 18px;
}
.card h2 { margin: 0 0 12px; font-size: 15px; }
.card-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 12px; }
.card-head h2 { margin: 0; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 9px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
tbody tr:hover { background: #fafbfc; }
tbody tr.selected { background: var(--accent-soft); }
td.actions { text-align: right; white-space: nowrap; }
td.name, .nowrap { white-space: nowrap; }
.empty { color: var(--muted); text-align: center; padding: 22px 10px; }
.mono { font-family: var(--mono); font-size: 12.5px; }
.muted { color: var(--muted); }
.ellipsis.short { max-width: 110px; }
.ellipsis { display: inline-block; max-width: 190px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
.badge {
  display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  background: var(--line); color: var(--muted);
}
.badge:has(+ .badge) { margin: 1px 4px 1px 0; }
.badge.ok { background: var(--ok-soft); color: var(--ok); }
.badge.off { background: var(--danger-soft); color: var(--danger); }
.badge.info { background: var(--accent-soft); color: var(--accent); }
.chip {
  display: inline-block; margin: 1px 4px 1px 0; padding: 0 7px; border: 1px solid var(--line);
  border-radius: 6px; font-family: var(--mono); font-size: 12px; background: #fafbfc;
}
form.stack { display: grid; gap: 12px; }
label { display: grid; gap: 4px; font-weight: 600; font-size: 13px; }
label .hint { font-weight: 400; color: var(--muted); font-size: 12px; }
input[type="text"], input[type="password"], input[type="search"], select {
  width: 100%; padding: 8px 10px; border: 1px solid #cfd4dc; border-radius: 7px; font: inherit;
  background: #fff; color: var(--text);
}
input:focus, select:focus, button:focus-visible { outline: 2px solid var(--accent-soft); border-color: var(--accent); }
input[aria-invalid="true"] { border-color: var(--danger); background: var(--danger-soft); }
fieldset { border: 1px solid var(--line); border-radius: 7px; padding: 8px 10px; margin: 0; }
legend { font-weight: 600; font-size: 13px; padding: 0 4px; }
.check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
.check.grant { font-family: var(--mono); font-size: 12.5px; }
.check input { margin: 0; }
.row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.danger-zone { margin-top: 16px; padding-top: 14px; border-top: 1px solid var(--line); }
.spacer { flex: 1; }
.btn {
  appearance: none; display: inline-flex; align-items: center; gap: 6px; padding: 7px 13px;
  border-radius: 7px; border: 1px solid #cfd4dc; background: #fff; color: var(--text);
  font: inherit; font-weight: 600; cursor: pointer;
}
.btn:hover { background: #f4f5f7; }
.btn:disabled { opacity: 0.55; cursor: default; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn.primary:hover { background: var(--accent-dark); }
.btn.danger { color: var(--danger); border-color: #f1b5b5; }
.btn.danger:hover { background: var(--danger-soft); }
.btn.small { padding: 4px 9px; font-size: 12.5px; }
.alert {
  display: flex; gap: 12px; align-items: flex-start; padding: 11px 14px; border-radius: 8px;
  margin-bottom: 16px; border: 1px solid #f1b5b5; background: var(--danger-soft); color: var(--danger);
}
.alert.ok { border-color: #b2e2bd; background: var(--ok-soft); color: var(--ok); }
.alert .msg { flex: 1; }
.alert .close { appearance: none; border: 0; background: none; color: inherit; font-size: 18px; line-height: 1; cursor: pointer; }
.secret {
  border: 1px solid var(--warn-line); background: var(--warn-soft); border-radius: 10px;
  padding: 16px 18px; margin-bottom: 18px;
}
.secret h2 { margin: 0 0 4px; font-size: 15px; }
.secret p { margin: 0 0 12px; color: #7a5b00; }
.secret .pair { display: grid; grid-template-columns: 110px minmax(0, 1fr) auto; gap: 8px; align-items: center; margin-bottom: 8px; }
.secret input { font-family: var(--mono); font-size: 12.5px; }
.detail-meta { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0 0 14px; color: var(--muted); font-size: 13px; }
.detail-meta b { color: var(--text); font-weight: 600; }
.detail-section { margin-top: 26px; padding-top: 18px; border-top: 1px solid var(--line); }
.detail-section .hint { margin: -4px 0 10px; color: var(--muted); font-size: 12px; }
.detail-grid { display: grid; grid-template-columns: 320px minmax(0, 1fr); gap: 22px; align-items: start; }
@media (max-width: 960px) { .detail-grid { grid-template-columns: 1fr; } }
h3 { font-size: 13px; margin: 0 0 10px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.pager { display: flex; align-items: center; justify-content: flex-end; gap: 8px; margin-top: 10px; color: var(--muted); font-size: 13px; }
.filter { display: flex; gap: 8px; margin-bottom: 10px; }
.filter input { max-width: 260px; }
.note { padding: 14px; border-radius: 8px; background: var(--accent-soft); color: #26397e; }
`;
