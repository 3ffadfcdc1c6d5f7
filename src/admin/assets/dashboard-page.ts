/**
 * The dashboard's HTML and CSS, as strings compiled with the rest of the TypeScript: no front-end
 * build step, nothing to copy into dist/. Dense tables with state-coloured rows, in the spirit of
 * HAProxy's stats page, which load-balancer operators read at a glance.
 */
export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem status</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body>
<header>
  <h1>Tandem</h1>
  <span id="host"></span>
  <span id="live" class="live off">connecting…</span>
  <span id="updated"></span>
</header>
<main>
  <section><h2>VRRP instances</h2><div id="instances"><p class="empty">no VRRP instances</p></div></section>
  <section id="groups-section" hidden><h2>Sync groups</h2><div id="groups"></div></section>
  <section><h2>Upstreams</h2><div id="upstreams"><p class="empty">no upstreams</p></div></section>
  <section><h2>Listeners</h2><div id="listeners"><p class="empty">no listeners</p></div></section>
</main>
<footer>
  <span class="legend st-MASTER">MASTER / UP</span>
  <span class="legend st-BACKUP">BACKUP</span>
  <span class="legend st-DRAIN">DRAIN</span>
  <span class="legend st-FAULT">FAULT / DOWN</span>
  <span class="legend st-MAINT">MAINT / INIT / STOP</span>
  <a href="/status">/status</a> <a href="/metrics">/metrics</a> <a href="/config">/config</a>
</footer>
<script src="/dashboard.js"></script>
</body>
</html>
`;

/** The dashboard's stylesheet. */
export const dashboardCss = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; background: #f4f5f7; }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 16px; background: #1d2330; color: #fff; }
header h1 { margin: 0; font-size: 18px; letter-spacing: .5px; }
#updated { margin-left: auto; color: #aab; font-size: 12px; }
.live { padding: 1px 8px; border-radius: 9px; font-size: 12px; }
.live.on { background: #2e9d4f; }
.live.off { background: #b33; }
main { padding: 8px 16px; }
h2 { font-size: 14px; margin: 16px 0 6px; color: #334; text-transform: uppercase; letter-spacing: .6px; }
h3 { font-size: 13px; margin: 10px 0 4px; }
h3 small { color: #667; font-weight: normal; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 8px; }
th, td { border: 1px solid #d5d8de; padding: 3px 6px; text-align: left; white-space: nowrap; }
th { background: #e3e6eb; font-weight: 600; font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; }
.badge { display: inline-block; min-width: 58px; text-align: center; padding: 0 6px; border-radius: 3px; font-weight: 700; color: #fff; }
.st-MASTER, .st-UP { background: #d7f2dc; }
.st-BACKUP { background: #dbe8fb; }
.st-FAULT, .st-DOWN { background: #f8d4d4; }
.st-DRAIN { background: #fbecc8; }
.st-INIT, .st-STOP, .st-MAINT { background: #e4e4e4; }
.badge.b-MASTER, .badge.b-UP { background: #2e9d4f; }
.badge.b-BACKUP { background: #3a72c4; }
.badge.b-FAULT, .badge.b-DOWN { background: #c53030; }
.badge.b-DRAIN { background: #c98a12; }
.badge.b-INIT, .badge.b-STOP, .badge.b-MAINT { background: #777; }
.tracker { display: inline-block; margin-right: 6px; }
.tracker.up::before { content: "\\25CF "; color: #2e9d4f; }
.tracker.down::before { content: "\\25CF "; color: #c53030; }
button { font: inherit; font-size: 12px; padding: 1px 8px; cursor: pointer; }
.empty { color: #889; font-style: italic; }
footer { padding: 8px 16px 16px; color: #556; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.legend { padding: 1px 6px; border: 1px solid #ccd; }
`;
