/** The live console's page: no network beyond its own event stream, readable without colour. */
export const LIVE_CONSOLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ordeal — live</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 0 auto; padding: 24px; color: #1d1d1f; }
h1 { font-size: 22px; margin: 0 0 8px; } .muted { color: #5f6368; }
.phases { display: flex; gap: 4px; margin: 12px 0; } .phases span { flex: 1; padding: 6px 8px; background: #eef0f3; border: 1px solid #c9cdd3; border-radius: 3px; font-size: 13px; }
.phases span.current { background: #0072B2; color: #fff; font-weight: 600; } .phases span.done { color: #5f6368; }
.faults li.open { font-weight: 600; color: #b3261e; } .faults li.closed { color: #5f6368; text-decoration: line-through; }
.figures { font-variant-numeric: tabular-nums; font-size: 18px; margin: 12px 0; }
button { font: inherit; font-weight: 700; padding: 8px 18px; border: 2px solid #b3261e; color: #fff; background: #b3261e; border-radius: 4px; cursor: pointer; }
button[disabled] { opacity: .5; cursor: default; }
.verdict { font-size: 20px; font-weight: 700; margin: 12px 0; } #log { font-size: 13px; color: #5f6368; }
</style></head><body>
<h1>ordeal — <span data-run>waiting for the run…</span></h1>
<div class="muted" data-target></div>
<div class="phases" data-phases></div>
<div>current phase: <strong data-phase>—</strong></div>
<div class="figures" data-figures>—</div>
<h2>Faults</h2><ul class="faults" data-faults><li class="muted">none yet</li></ul>
<div data-confirm-box hidden><strong>Waiting for an operator:</strong> phase <span data-confirm-phase></span> will apply <span data-confirm-faults></span>. <button data-confirm>Apply the faults</button> <span class="muted" data-confirm-timeout></span></div>
<p><button data-skip>⏭ Skip the rest of this phase</button> <button data-abort>■ Abort the run</button> <span class="muted">abort is Ctrl-C: load stops, faults are removed, the report is written</span></p>
<div class="verdict" data-verdict></div>
<ul id="log"></ul>
<script>
(function () {
  var $ = function (s) { return document.querySelector(s); };
  var phases = [];
  var faults = {};
  function renderPhases(current) {
    $('[data-phases]').innerHTML = '';
    phases.forEach(function (name, i) {
      var el = document.createElement('span');
      el.textContent = name;
      if (i === current) el.className = 'current'; else if (i < current) el.className = 'done';
      $('[data-phases]').appendChild(el);
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
  }
  function log(text) { var li = document.createElement('li'); li.textContent = text; $('#log').appendChild(li); }
  var source = new EventSource('/events');
  source.addEventListener('run', function (e) { var d = JSON.parse(e.data); phases = d.phases; $('[data-run]').textContent = d.runId; $('[data-target]').textContent = 'target ' + d.target; renderPhases(-1); });
  source.addEventListener('phase', function (e) { var d = JSON.parse(e.data); $('[data-phase]').textContent = d.name; renderPhases(d.index); });
  source.addEventListener('fault', function (e) { var d = JSON.parse(e.data); faults[d.id] = d; renderFaults(); });
  source.addEventListener('progress', function (e) {
    var p = JSON.parse(e.data);
    $('[data-figures]').textContent = 'rate ' + p.achievedRatePerSec + '/' + p.targetRatePerSec + ' req/s · p95 ' + (p.p95Ms == null ? '—' : p.p95Ms.toFixed(1) + ' ms') + ' · errors ' + p.phaseErrors + ' of ' + p.phaseRequests;
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
  source.addEventListener('guard', function (e) { var d = JSON.parse(e.data); log('guard ' + d.name + ' tripped: ' + d.observed); });
  source.addEventListener('warning', function (e) { log(JSON.parse(e.data).message); });
  source.addEventListener('verdict', function (e) { var d = JSON.parse(e.data); var v = $('[data-verdict]'); v.textContent = d.verdict.toUpperCase() + ' — ' + d.reason; v.setAttribute('data-value', d.verdict); $('[data-abort]').disabled = true; $('[data-skip]').disabled = true; });
  source.addEventListener('report', function (e) { var d = JSON.parse(e.data); if (d.url) { var a = document.createElement('a'); a.href = d.url; a.textContent = 'open the report'; a.setAttribute('data-report', ''); $('[data-verdict]').appendChild(document.createTextNode(' · ')); $('[data-verdict]').appendChild(a); } source.close(); });
  $('[data-confirm]').addEventListener('click', function () { $('[data-confirm]').disabled = true; fetch('/confirm', { method: 'POST' }); });
  $('[data-skip]').addEventListener('click', function () { fetch('/skip', { method: 'POST' }); });
  $('[data-abort]').addEventListener('click', function () { $('[data-abort]').disabled = true; fetch('/abort', { method: 'POST' }); });
})();
</script>
</body></html>
`;
