import { createHash } from 'node:crypto';

/** The page polls this path once a second for a JSON `DevStatus`. */
export const STATUS_API_PATH = '/api/status';

const STYLE = `
:root { color-scheme: light; --fg: #1d2430; --muted: #6b7482; --line: #d9dee6; --bg: #f5f7fa; --card: #fff;
  --ok: #1f7a3d; --info: #1f5f99; --idle: #6b7482; --warn: #a35c00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 12px 20px;
  background: var(--card); border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 12px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.muted, .label, .sub { color: var(--muted); }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  color: #fff; background: var(--idle); }
#connection[data-state=live], [data-breaker=closed], [data-outcome=FullPipelineSuccess] { background: var(--ok); }
#connection[data-state=disconnected], [data-breaker=open], [data-outcome=Failed] { background: var(--bad); }
[data-breaker=half_open], [data-drift=pending] { background: var(--warn); }
[data-outcome=CurationOnlySuccess], [data-drift=approved] { background: var(--info); }
[data-outcome=NoNewCuratedData] { background: #5a6f85; }
body.disconnected main { opacity: .55; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
main, #topics { display: grid; gap: 16px; }
main { padding: 16px 20px; }
section.topic, #overview { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; }
#overview { display: flex; flex-wrap: wrap; gap: 8px 32px; }
.flow { display: flex; flex-wrap: wrap; align-items: stretch; gap: 4px; list-style: none; margin: 0; padding: 0; }
.stage { display: flex; flex-direction: column; min-width: 110px; padding: 6px 10px; border: 1px solid var(--line);
  border-radius: 4px; background: var(--bg); }
.stage + .stage::before { content: "→"; position: relative; left: -22px; top: 14px; height: 0; color: var(--muted); }
.stage + .stage { margin-left: 16px; }
.count { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.side { margin-top: 6px; display: flex; gap: 16px; }
.alert { color: var(--bad); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.checkpoints { width: auto; }
table.checkpoints th { padding-right: 24px; }
.timings { color: var(--muted); font-size: 12px; }
.run-error { color: var(--bad); font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
ul.drift { margin: 0; padding-left: 18px; }
code { font-family: ui-monospace, monospace; }
`;

// Every value from the status goes into the DOM as text (textContent, Text nodes) or as an
// attribute value via setAttribute: topic names and error messages come from outside.
const SCRIPT = `
'use strict';
const POLL_MS = 1000;
const TIMEOUT_MS = 5000;
const API = '${STATUS_API_PATH}';

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const int = (n) => Number(n).toLocaleString('en-US');
const ms = (n) => (n < 1000 ? Math.round(n) + ' ms' : (n / 1000).toFixed(1) + ' s');
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString('en-GB') : '—');

function duration(seconds) {
  const s = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, '0');
  if (s >= 86400) return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
  if (s >= 3600) return Math.floor(s / 3600) + 'h ' + pad(Math.floor((s % 3600) / 60)) + 'm';
  if (s >= 60) return Math.floor(s / 60) + 'm ' + pad(s % 60) + 's';
  return s + 's';
}

function snapshot(ref) {
  if (!ref) return h('span', { class: 'muted' }, 'none');
  return h('span', { title: 'snapshot ' + ref.id }, '#' + ref.sequence + ' ', h('code', {}, String(ref.id).slice(0, 12)));
}

function stage(name, label, value, text, sub) {
  return h('li', { class: 'stage', 'data-stage': name },
    h('span', { class: 'label' }, label),
    h('span', { class: 'count', 'data-value': value }, text === undefined ? int(value) : text),
    sub ? h('span', { class: 'sub' }, sub) : null);
}

function flow(t) {
  const semantic = t.schema_version === null
    ? stage('semantic', 'semantic', 0, '—', 'no schema')
    : stage('semantic', 'semantic v' + t.schema_version, t.semantic, undefined, 'rejects ' + int(t.semantic_rejects));
  const delayed = t.queue.delayed > 0 ? ' · delayed ' + int(t.queue.delayed) : '';
  return h('ol', { class: 'flow' },
    stage('received', 'received', t.received, undefined, 'from any client'),
    stage('queue', 'queue', t.queue.visible, int(t.queue.visible) + ' / ' + int(t.queue.in_flight),
      'visible / in-flight' + delayed),
    stage('raw', 'RAW', t.raw),
    stage('curated', 'curated', t.curated, undefined, 'rejects ' + int(t.curated_rejects)),
    semantic);
}

function side(t) {
  const dlq = t.dlq.visible + t.dlq.in_flight;
  return h('div', { class: 'side' },
    h('span', { 'data-field': 'quarantined', class: t.quarantined > 0 ? 'alert' : null },
      'quarantined ' + int(t.quarantined)),
    h('span', { 'data-field': 'dlq', class: dlq > 0 ? 'alert' : null },
      'DLQ ' + int(t.dlq.visible) + ' visible / ' + int(t.dlq.in_flight) + ' in-flight'));
}

function checkpoints(t) {
  const row = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
  return h('table', { class: 'checkpoints' },
    row('RAW snapshot', snapshot(t.snapshots.raw)),
    row('curated checkpoint', snapshot(t.checkpoints.curated)),
    row('curated snapshot', snapshot(t.snapshots.curated)),
    row('semantic checkpoint', snapshot(t.checkpoints.semantic)),
    row('curation pending', h('span', { 'data-field': 'curation-pending' }, int(t.curation_pending) + ' records')));
}

function written(run) {
  const parts = [];
  if (run.curation_records_written !== undefined) parts.push('curated ' + int(run.curation_records_written));
  if (run.semantic_records_written !== undefined) parts.push('semantic ' + int(run.semantic_records_written));
  if (run.semantic_records_rejected) parts.push('rejected ' + int(run.semantic_records_rejected));
  if (run.again) parts.push('backlog: runs again');
  return parts.join(' · ');
}

function runRows(run) {
  const steps = Object.entries(run.timings || {});
  const total = Date.parse(run.finished_at) - Date.parse(run.started_at);
  const rows = [h('tr', { class: 'run' },
    h('td', {}, time(run.finished_at)),
    h('td', {}, run.trigger),
    h('td', {}, h('span', { class: 'pill outcome', 'data-outcome': run.outcome }, run.outcome)),
    h('td', { class: 'num' }, written(run)),
    h('td', { class: 'num' }, Number.isFinite(total) ? ms(total) : ''),
    h('td', { class: 'timings' }, steps.map(([step, n]) => step + ' ' + ms(n)).join(' · ')))];
  if (run.outcome === 'Failed') {
    const error = run.error ? run.error.name + ': ' + run.error.message : 'no error recorded';
    rows.push(h('tr', { class: 'run-failure' }, h('td', { colspan: 6 },
      h('span', { class: 'alert' }, 'failed at ' + (run.failed_step || 'unknown step') + ' — '),
      h('span', { class: 'run-error' }, error))));
  }
  return rows;
}

function runs(t) {
  if (t.last_runs.length === 0) return h('p', { class: 'muted' }, 'no runs yet');
  return h('table', { class: 'runs' },
    h('tr', {}, ['finished', 'trigger', 'outcome', 'written', 'took', 'steps'].map((c) => h('th', {}, c))),
    t.last_runs.map(runRows));
}

function drift(t) {
  if (t.drift.length === 0) return h('p', { class: 'muted' }, 'no drift');
  return h('ul', { class: 'drift' }, t.drift.map((d) => h('li', { 'data-column': d.column },
    d.column === '*' ? h('span', {}, h('code', {}, '*'), ' no semantic schema') : h('code', {}, d.column),
    ' ', h('span', { class: 'pill', 'data-drift': d.status }, d.status),
    h('span', { class: 'muted' }, ' since ' + time(d.first_seen)))));
}

function tables(t) {
  const reading = t.table_health;
  if (!reading) return h('p', { class: 'muted' }, 'no maintenance yet');
  const cols = ['data_files', 'small_files', 'delete_files', 'snapshots', 'oldest_snapshot_age_seconds'];
  return h('table', { class: 'tables' },
    h('caption', { class: 'muted' }, 'after maintenance at ' + time(reading.at)),
    h('tr', {}, ['table', 'files', 'small', 'deletes', 'snapshots', 'oldest'].map((c) => h('th', {}, c))),
    reading.tables.map((x) => h('tr', { 'data-layer': x.layer },
      h('td', {}, x.layer),
      x.figures
        ? cols.map((c, i) => h('td', { class: 'num' }, i === 4 ? duration(x.figures[c]) : int(x.figures[c])))
        : h('td', { class: 'muted', colspan: 5 }, 'not created yet'))));
}

function reprocess(t) {
  const r = t.reprocess;
  if (!r) return null;
  const what = r.dry_run ? 'dry run of a reprocess' : 'reprocess';
  const scope = r.from_snapshot === null ? 'full' : 'from snapshot ' + r.from_snapshot;
  return h('p', { class: 'reprocess alert', 'data-field': 'reprocess' },
    what + ' of ' + r.layer + ' (' + scope + ') in progress since ' + time(r.requested_at)
      + ": this topic's runs wait for it");
}

function topicSection(t) {
  return h('section', { class: 'topic', 'data-topic': t.topic },
    h('h2', {}, t.topic),
    reprocess(t),
    flow(t), side(t),
    h('h3', {}, 'checkpoints'), checkpoints(t),
    h('h3', {}, 'last runs'), runs(t),
    h('h3', {}, 'drift'), drift(t),
    h('h3', {}, 'tables'), tables(t));
}

function overview(s) {
  const sim = !s.simulator.enabled ? 'off (your own clients feed the queues)'
    : (s.simulator.running ? 'running' : 'stopped') + ', sent ' + int(s.simulator.sent)
      + (s.simulator.profile ? ', profile ' + s.simulator.profile : '');
  const field = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  return [
    h('dl', {},
      field('uptime', h('span', { 'data-field': 'uptime' }, duration(s.uptime_s))),
      field('breaker', h('span', { class: 'pill', 'data-breaker': s.breaker }, s.breaker)),
      field('simulator', sim),
      field('data dir', s.data_dir),
      field('generated', time(s.generated_at))),
    h('dl', { class: 'endpoints' }, Object.entries(s.endpoints).map(([name, url]) => field(name, url))),
  ];
}

function render(s) {
  document.getElementById('overview').replaceChildren(...overview(s));
  const topics = s.topics.length > 0 ? s.topics.map(topicSection) : [h('p', { class: 'muted' }, 'no topics configured')];
  document.getElementById('topics').replaceChildren(...topics);
}

function connection(state, text) {
  const badge = document.getElementById('connection');
  badge.setAttribute('data-state', state);
  badge.textContent = text;
  document.body.classList.toggle('disconnected', state === 'disconnected');
}

async function failure(res) {
  const body = await res.json().catch(() => null);
  return 'HTTP ' + res.status + (body && body.error ? ': ' + body.error : '');
}

async function poll() {
  try {
    const res = await fetch(API, { cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(await failure(res));
    render(await res.json());
    connection('live', 'live · ' + new Date().toLocaleTimeString('en-GB'));
  } catch (err) {
    // Keep the last data on screen, dimmed, and keep polling until the server answers again.
    connection('disconnected', 'disconnected: ' + (err && err.message ? err.message : String(err)) + ' (retrying)');
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

// Only this script and style may run: defence in depth should a value ever reach the DOM as markup.
const CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="icon" href="data:,">
<title>lean-ops status</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>lean-ops status</h1>
<span id="connection" class="pill" data-state="connecting">connecting…</span>
</header>
<main>
<div id="overview"></div>
<div id="topics"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/**
 * The status page of `lean-ops dev`: one self-contained HTML document (inline CSS and
 * vanilla JS) that polls `GET /api/status` every second and renders each topic's flow,
 * checkpoints, last runs, drift and the breaker; it shows "disconnected" while the
 * endpoint fails and recovers by itself.
 */
export function renderStatusPage(): string {
  return PAGE;
}
