/* global uPlot */
// Draws the report's charts with uPlot from the JSON embedded in the page. Runs offline: no network, no imports.
(function drawOrdealCharts() {
  'use strict';
  var data = JSON.parse(document.getElementById('ordeal-data').textContent);
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies; lines also differ by dash and width.
  var INK = { blue: '#0072B2', orange: '#E69F00', green: '#009E73', vermillion: '#D55E00', purple: '#CC79A7', sky: '#56B4E9', black: '#222222' };

  function hatch(ctx, color) {
    var tile = document.createElement('canvas');
    tile.width = 8;
    tile.height = 8;
    var t = tile.getContext('2d');
    t.strokeStyle = color;
    t.lineWidth = 1.5;
    t.beginPath();
    t.moveTo(0, 8);
    t.lineTo(8, 0);
    t.stroke();
    return ctx.createPattern(tile, 'repeat');
  }

  function shadeBands(u) {
    var ctx = u.ctx;
    var top = u.bbox.top;
    var height = u.bbox.height;
    ctx.save();
    data.bands.forEach(function (band) {
      var x0 = u.valToPos(band.startSec, 'x', true);
      var x1 = u.valToPos(band.endSec, 'x', true);
      if (band.kind === 'phase') {
        if (Number(band.detail) % 2 === 1) {
          ctx.fillStyle = 'rgba(0,0,0,0.045)';
          ctx.fillRect(x0, top, x1 - x0, height);
        }
        ctx.strokeStyle = 'rgba(0,0,0,0.25)';
        ctx.setLineDash([2, 3]);
        ctx.beginPath();
        ctx.moveTo(x0, top);
        ctx.lineTo(x0, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
      } else if (band.kind === 'fault') {
        ctx.fillStyle = hatch(ctx, 'rgba(213,94,0,0.35)');
        ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      } else if (band.kind === 'guard') {
        ctx.strokeStyle = INK.black;
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x0, top);
        ctx.lineTo(x0, top + height);
        ctx.stroke();
      }
    });
    ctx.restore();
  }

  function chart(container, title, yLabel, series, columns, extra) {
    var el = document.createElement('figure');
    el.className = 'chart';
    el.setAttribute('data-chart', title);
    container.appendChild(el);
    var opts = {
      title: title,
      width: Math.max(320, container.clientWidth - 8),
      height: 200,
      scales: Object.assign({ x: { time: true, range: [data.startSec, data.endSec] } }, extra && extra.scales),
      series: [{ label: 'time' }].concat(series),
      axes: [{}, { label: yLabel, size: 60 }],
      legend: { live: true },
      cursor: { sync: { key: 'ordeal' } },
      hooks: { drawClear: [shadeBands] },
    };
    var plot = new uPlot(opts, columns, el);
    window.addEventListener('resize', function () {
      plot.setSize({ width: Math.max(320, container.clientWidth - 8), height: 200 });
    });
    window.__ordealCharts = (window.__ordealCharts || 0) + 1;
    return plot;
  }

  var charts = document.getElementById('charts');
  chart(charts, 'Request rate', 'req/s', [
    { label: 'target', stroke: INK.black, width: 1.5, dash: [8, 5], spanGaps: true },
    { label: 'achieved', stroke: INK.blue, width: 2 },
  ], [data.x, data.targetRate, data.achievedRate]);
  chart(charts, 'Latency', 'ms', [
    { label: 'p50', stroke: INK.green, width: 1.5 },
    { label: 'p95', stroke: INK.orange, width: 2, dash: [10, 4] },
    { label: 'p99', stroke: INK.vermillion, width: 2.5, dash: [2, 3] },
  ], [data.x, data.p50Ms, data.p95Ms, data.p99Ms]);
  chart(charts, 'Error rate', '%', [{ label: 'errors %', stroke: INK.vermillion, width: 2, fill: 'rgba(213,94,0,0.12)' }], [data.x, data.errorRatePercent], {
    scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
  });
  var palette = [INK.purple, INK.sky, INK.green, INK.orange];
  data.signals.forEach(function (signal, index) {
    chart(charts, signal.name, signal.unit, [{ label: signal.name, stroke: palette[index % palette.length], width: 2, paths: uPlot.paths.stepped({ align: 1 }) }], [signal.x, signal.y]);
  });
  document.documentElement.setAttribute('data-charts-drawn', String(window.__ordealCharts || 0));
})();
