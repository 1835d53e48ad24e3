import type { HtmlAssets } from '../report/html/html-assets.ts';
import { CONSOLE_TOKEN_HEADER } from './console-request-guard.ts';

/** The console's own bar above the report: its styles, on top of the report's. */
const CONSOLE_CSS = `
[hidden] { display: none !important; }
.console { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 2px solid var(--line); padding: 8px 0 10px; margin-bottom: 8px; }
.console .row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 4px 0; }
.phases { display: flex; gap: 4px; margin: 6px 0; } .phases span { flex: 1; padding: 4px 8px; background: #eef0f3; border: 1px solid #c9cdd3; border-radius: 3px; font-size: 13px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.phases span.current { background: #0072B2; color: #fff; font-weight: 600; } .phases span.done { color: var(--muted); }
.figures { font-variant-numeric: tabular-nums; font-size: 17px; }
.faults { margin: 0; padding-left: 18px; } .faults li.open { font-weight: 600; color: var(--fail); } .faults li.closed { color: var(--muted); text-decoration: line-through; }
.console button { font: inherit; font-weight: 700; padding: 6px 14px; border: 2px solid var(--fail); color: #fff; background: var(--fail); border-radius: 4px; cursor: pointer; }
.console button.quiet { background: #fff; color: var(--ink); border-color: #8a8f98; }
.console button[disabled] { opacity: .5; cursor: default; }
.confirm-box { border: 2px solid var(--warn); background: #fdf8ec; padding: 6px 10px; border-radius: 4px; }
.console input[type=text] { font: inherit; padding: 5px 8px; min-width: 26em; border: 1px solid #8a8f98; border-radius: 3px; }
.final-verdict { font-size: 18px; font-weight: 700; }
#log { font-size: 12px; color: var(--muted); margin: 4px 0 0; padding-left: 18px; max-height: 7.5em; overflow-y: auto; }
@media print { .console { display: none; } }
`;

/** The page's script: events in, the report so far drawn with the report's own charts script. */
const CONSOLE_JS = String.raw`
(function () {
  var $ = function (s) { return document.querySelector(s); };
  var token = document.documentElement.getAttribute('data-token');
  var phases = [];
  var faults = {};
  function post(path, body) {
    var headers = { '${CONSOLE_TOKEN_HEADER}': token };
    if (body) headers['content-type'] = 'application/json';
    return fetch(path, { method: 'POST', headers: headers, body: body ? JSON.stringify(body) : undefined });
  }
  function renderPhases(current) {
    var strip = $('[data-phases]');
    strip.innerHTML = '';
    phases.forEach(function (name, i) {
      var el = document.createElement('span');
      el.textContent = name;
      el.title = name;
      if (i === current) el.className = 'current'; else if (i < current) el.className = 'done';
      strip.appendChild(el);
    });
  }
  function renderFaults() {
    var list = $('[data-faults]');
    list.innerHTML = '';
    Object.keys(faults).forEach(function (id) {
      var f = faults[id];
      var li = document.createElement('li');
      li.className = f.open ? 'open' : 'closed';
      li.setAttribute('data-fault-id', id);
      li.setAttribute('data-open', String(f.open));
      li.textContent = (f.open ? '● active: ' : 'removed: ') + f.description + ' (phase ' + f.phase + ')';
      list.appendChild(li);
    });
    if (!list.firstChild) list.innerHTML = '<li class="reason">none yet</li>';
  }
  function log(text) {
    var li = document.createElement('li');
    li.textContent = text;
    $('#log').appendChild(li);
    li.scrollIntoView({ block: 'nearest' });
  }
  function showBody(body) {
    $('[data-live-report]').innerHTML = body.html;
    window.ordealDrawCharts(body.data);
  }
  var source = new EventSource('/events?key=' + encodeURIComponent(token));
  source.addEventListener('run', function (e) { var d = JSON.parse(e.data); phases = d.phases; $('[data-run]').textContent = d.runId; $('[data-target]').textContent = 'target ' + d.target; renderPhases(-1); });
  source.addEventListener('phase', function (e) { var d = JSON.parse(e.data); $('[data-phase]').textContent = d.name; renderPhases(d.index); });
  source.addEventListener('fault', function (e) { var d = JSON.parse(e.data); faults[d.id] = d; renderFaults(); });
  source.addEventListener('progress', function (e) {
    var p = JSON.parse(e.data);
    var left = Math.round(p.remainingMs / 1000);
    $('[data-left]').textContent = '(' + (p.phaseIndex + 1) + ' of ' + p.phaseCount + ') · the run ends in ' + (left >= 60 ? Math.floor(left / 60) + ' min ' + (left % 60) + ' s' : left + ' s');
    $('[data-figures]').textContent = 'rate ' + p.achievedRatePerSec + ' / ' + p.targetRatePerSec + ' req/s · p95 ' + (p.p95Ms == null ? '—' : p.p95Ms.toFixed(1) + ' ms') + ' · errors ' + p.phaseErrors + ' of ' + p.phaseRequests + (p.generatorBehind ? ' · ' + p.generatorBehind : '');
  });
  source.addEventListener('confirm', function (e) {
    var d = JSON.parse(e.data);
    $('[data-confirm-box]').hidden = false;
    $('[data-confirm-phase]').textContent = d.phase;
    $('[data-confirm-faults]').textContent = d.faults.join('; ');
    $('[data-confirm-timeout]').textContent = 'not confirmed within ' + Math.round(d.timeoutMs / 1000) + ' s: the run aborts';
    $('[data-confirm]').disabled = false;
  });
  source.addEventListener('confirmed', function (e) { var d = JSON.parse(e.data); $('[data-confirm-box]').hidden = true; log('faults of ' + d.phase + (d.confirmed ? ' confirmed' : ' not confirmed')); });
  source.addEventListener('guard', function (e) { var d = JSON.parse(e.data); log('■ guard ' + d.name + ' tripped: ' + d.observed); });
  source.addEventListener('note', function (e) { var d = JSON.parse(e.data); log('✎ ' + (d.phase ? d.phase + ': ' : '') + d.text + ' (' + d.source + ')'); });
  source.addEventListener('warning', function (e) { log(JSON.parse(e.data).message); });
  source.addEventListener('snapshot', function (e) { showBody(JSON.parse(e.data)); });
  source.addEventListener('verdict', function (e) {
    var d = JSON.parse(e.data);
    var v = $('[data-console-verdict]');
    v.textContent = d.verdict.toUpperCase() + ' — ' + d.reason + ' · writing the report…';
    v.setAttribute('data-value', d.verdict);
    [].forEach.call(document.querySelectorAll('[data-control]'), function (b) { b.disabled = true; });
  });
  source.addEventListener('final', function (e) {
    var d = JSON.parse(e.data);
    source.close();
    showBody(d);
    $('[data-console]').hidden = true;
    document.title = document.title.replace('live', 'report');
    document.documentElement.setAttribute('data-final', d.file || '');
  });
  $('[data-confirm]').addEventListener('click', function () { $('[data-confirm]').disabled = true; post('/confirm'); });
  $('[data-skip]').addEventListener('click', function () { post('/skip'); });
  $('[data-abort]').addEventListener('click', function () { $('[data-abort]').disabled = true; post('/abort'); });
  $('[data-note-form]').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = $('[data-note]');
    var text = input.value;
    if (!text.trim()) return;
    post('/note', { text: text }).then(function (r) {
      if (r.ok) input.value = '';
      else r.text().then(function (why) { log('note refused: ' + why); });
    });
  });
})();
`;

/** The live console's page: the report's look (its styles, uPlot and chart script, inlined), no network beyond the console itself. */
export function liveConsolePage(assets: HtmlAssets, token: string): string {
  return `<!doctype html>
<html lang="en" data-token="${token}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>ordeal — live</title>
<style>${assets.uplotCss}</style>
<style>${assets.reportCss}</style>
<style>${CONSOLE_CSS}</style>
</head><body>
<section class="console" data-console>
<div class="row"><strong>ordeal live — <span data-run>waiting for the run…</span></strong><span class="reason" data-target></span></div>
<div class="phases" data-phases></div>
<div class="row"><span>phase <strong data-phase>—</strong> <span class="reason" data-left></span></span><span class="figures" data-figures>—</span></div>
<ul class="faults" data-faults><li class="reason">no fault yet</li></ul>
<div class="confirm-box row" data-confirm-box hidden><strong>Waiting for an operator:</strong> phase <span data-confirm-phase></span> will apply <span data-confirm-faults></span>. <button data-confirm data-control>Apply the faults</button> <span class="reason" data-confirm-timeout></span></div>
<div class="row">
<button class="quiet" data-skip data-control>» Skip the rest of this phase</button>
<button data-abort data-control>■ Abort the run</button>
<span class="reason">abort = Ctrl-C: load stops, faults are removed, the report is written</span>
</div>
<form class="row" data-note-form><input type="text" data-note maxlength="500" placeholder="a note for the timeline (what you see, what you do)" aria-label="note"><button class="quiet" data-control>✎ Add note</button></form>
<div class="final-verdict" data-console-verdict></div>
<ul id="log"></ul>
</section>
<main data-live-report><p class="reason">The report so far appears here within a few seconds of the first phase.</p><div id="charts"></div></main>
<script>${assets.uplotJs}</script>
<script>${assets.chartsJs}</script>
<script>${CONSOLE_JS}</script>
</body></html>
`;
}
