/* global uPlot */
// Draws the report's charts with uPlot from the JSON embedded in the page. Runs offline: no network, no imports.
// Every time on the page is seconds since the run started (the UTC start is shown once, in the page).
// The live console draws the same charts again with each new snapshot: window.ordealDrawCharts(data).
(function drawOrdealCharts() {
  'use strict';
  var data;
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies; lines also differ by dash and width.
  var INK = {
    blue: '#0072B2',
    orange: '#E69F00',
    green: '#009E73',
    vermillion: '#D55E00',
    purple: '#CC79A7',
    sky: '#56B4E9',
    black: '#222222',
  };
  var plots = [];

  /** "+12 s", "+1:05", "+1:02:05": relative to the run's start. */
  function sinceStart(seconds) {
    var s = Math.round(seconds);
    if (data.endSec < 100) return '+' + s + ' s';
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = String(s % 60).padStart(2, '0');
    return '+' + (h > 0 ? h + ':' + String(m).padStart(2, '0') : m) + ':' + rest;
  }

  function number(value) {
    if (value === null || value === undefined) return '';
    var abs = Math.abs(value);
    return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2).replace(/\.?0+$/, '');
  }

  function strokeLine(ctx, x0, y0, x1, y1) {
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }

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
        strokeLine(ctx, x0, top, x0, top + height);
        ctx.setLineDash([]);
      } else if (band.kind === 'fault') {
        ctx.fillStyle = hatch(ctx, 'rgba(213,94,0,0.35)');
        // A thin gap at each edge keeps back-to-back fault windows apart.
        ctx.fillRect(x0 + devicePixelRatio, top, Math.max(2, x1 - x0 - 2 * devicePixelRatio), height);
      } else if (band.kind === 'guard') {
        ctx.strokeStyle = INK.black;
        ctx.lineWidth = 2 * devicePixelRatio;
        strokeLine(ctx, x0, top, x0, top + height);
      } else if (band.kind === 'stall') {
        // ordeal did not run here: grey, no evidence (the gap in every series is real, not a dip).
        ctx.fillStyle = 'rgba(29,29,31,0.18)';
        ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      } else if (band.kind === 'note') {
        // An operator's note: a thin solid line (the timeline above carries its text).
        ctx.strokeStyle = INK.blue;
        ctx.lineWidth = 1 * devicePixelRatio;
        strokeLine(ctx, x0, top, x0, top + height);
      }
    });
    ctx.restore();
  }

  /** The canvas, saved, set for small left-aligned labels (uPlot leaves its axes' alignment behind). */
  function smallText(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.font = 10 * devicePixelRatio + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    return ctx;
  }

  /** Phase names along the top of the plot, cut to the phase's width. */
  function phaseNames(u) {
    var ctx = smallText(u);
    ctx.fillStyle = '#5f6368';
    data.bands.forEach(function (band) {
      if (band.kind !== 'phase') return;
      var x0 = u.valToPos(band.startSec, 'x', true) + 3 * devicePixelRatio;
      var room = u.valToPos(band.endSec, 'x', true) - x0 - 3 * devicePixelRatio;
      var label = band.label;
      while (label.length > 1 && ctx.measureText(label).width > room) label = label.slice(0, -2) + '…';
      if (room > 14 * devicePixelRatio) ctx.fillText(label, x0, u.bbox.top + 2 * devicePixelRatio);
    });
    ctx.restore();
  }

  var PERCENTILE_INK = { 50: INK.green, 95: INK.orange, 99: INK.vermillion };

  /** Thresholds of back-to-back phases with the same percentile and value, as one line. */
  function mergedSloLines() {
    var merged = [];
    data.sloLines
      .slice()
      .sort(function (a, b) {
        return a.percentile - b.percentile || a.ms - b.ms || a.startSec - b.startSec;
      })
      .forEach(function (line) {
        var last = merged[merged.length - 1];
        if (last && last.percentile === line.percentile && last.ms === line.ms && line.startSec - last.endSec < 1) {
          last.endSec = Math.max(last.endSec, line.endSec);
          last.failed = last.failed || line.status === 'fail';
        } else
          merged.push({
            percentile: line.percentile,
            ms: line.ms,
            startSec: line.startSec,
            endSec: line.endSec,
            failed: line.status === 'fail',
          });
      });
    return merged;
  }

  /** Each latency threshold as a line over its phases, labelled (below the line, clear of the phase names) with its result. */
  function sloLines(u) {
    var ctx = smallText(u);
    mergedSloLines().forEach(function (line) {
      var y = u.valToPos(line.ms, 'y', true);
      var x0 = u.valToPos(line.startSec, 'x', true);
      var x1 = u.valToPos(line.endSec, 'x', true);
      ctx.strokeStyle = PERCENTILE_INK[line.percentile] || INK.black;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([1 * devicePixelRatio, 3 * devicePixelRatio]);
      strokeLine(ctx, x0, y, x1, y);
      var text = 'SLO p' + line.percentile + ' < ' + number(line.ms) + ' ms' + (line.failed ? ' ✖ missed' : '');
      var width = ctx.measureText(text).width;
      if (x1 - x0 > width + 6) ctx.fillText(text, x1 - width - 3 * devicePixelRatio, y + 2 * devicePixelRatio);
    });
    ctx.restore();
  }

  /** With no cursor (a static view, print), a legend shows each series' peak instead of "--". */
  function staticLegend(u) {
    var still = u.legend.idx === null || u.legend.idx === undefined;
    var rows = u.root.querySelectorAll('.u-legend .u-series');
    // The time row only means something under a cursor.
    if (rows[0]) rows[0].style.display = still ? 'none' : '';
    if (!still) return;
    rows.forEach(function (row, index) {
      var value = row.querySelector('.u-value');
      if (!value) return;
      if (index === 0) {
        value.textContent = '';
        return;
      }
      var ys = (u.data[index] || []).filter(function (v) {
        return v !== null && v !== undefined;
      });
      var unit = u.series[index].unit || '';
      value.textContent = ys.length ? 'peak ' + number(Math.max.apply(null, ys)) + (unit ? ' ' + unit : '') : 'no data';
    });
  }

  /** A state series ("0 closed · 1 half-open · 2 open"): its names, by value. */
  function stateNames(unit) {
    var names = {};
    var found = false;
    String(unit)
      .split(' · ')
      .forEach(function (part) {
        var match = /^(\d+) (.+)$/.exec(part);
        if (match) {
          names[match[1]] = match[2];
          found = true;
        }
      });
    return found ? names : null;
  }

  function chart(container, title, yLabel, series, columns, extra) {
    extra = extra || {};
    var el = document.createElement('figure');
    el.className = 'chart';
    el.setAttribute('data-chart', title);
    container.appendChild(el);
    var hasData = columns.slice(1).some(function (column) {
      return column.some(function (v) {
        return v !== null && v !== undefined;
      });
    });
    var opts = {
      title: title,
      width: Math.max(320, container.clientWidth - 8),
      height: 200,
      scales: Object.assign({ x: { time: false, range: [data.startSec, Math.max(1, data.endSec)] } }, extra.scales),
      series: [
        {
          label: 'since start',
          value: function (u, v) {
            return v === null || v === undefined ? '' : sinceStart(v);
          },
        },
      ].concat(
        series.map(function (s) {
          return Object.assign(
            {
              value: function (u, v) {
                return v === null || v === undefined ? '' : number(v) + (s.unit ? ' ' + s.unit : '');
              },
            },
            s,
          );
        }),
      ),
      axes: [
        {
          values: function (u, ticks) {
            return ticks.map(sinceStart);
          },
          space: 70,
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
        },
        Object.assign({ label: yLabel, size: 64 }, extra.yAxis),
      ],
      legend: { live: true },
      cursor: { sync: { key: 'ordeal' } },
      hooks: {
        drawClear: [shadeBands],
        draw: [phaseNames].concat(extra.draw || []),
        setLegend: [staticLegend],
        ready: [staticLegend],
      },
    };
    var plot = new uPlot(opts, columns, el);
    if (!hasData) {
      var note = document.createElement('figcaption');
      note.className = 'chart-note';
      note.textContent = extra.emptyNote || 'Nothing was recorded for this chart.';
      el.appendChild(note);
      el.setAttribute('data-empty', 'true');
    }
    plots.push(plot);
    return plot;
  }

  window.addEventListener('resize', function () {
    var container = document.getElementById('charts');
    plots.forEach(function (plot) {
      plot.setSize({ width: Math.max(320, container.clientWidth - 8), height: 200 });
    });
  });

  /** Request rate, latency (with ordeal's own send lag and the SLO lines) and error rate. */
  function drawLoadCharts(charts) {
    var noRequests = data.emptyNote || 'No request completed in this run: nothing to draw.';
    chart(
      charts,
      'Request rate',
      'req/s',
      [
        { label: 'target', unit: 'req/s', stroke: INK.black, width: 1.5, dash: [8, 5], spanGaps: true },
        { label: 'achieved', unit: 'req/s', stroke: INK.blue, width: 2 },
      ],
      [data.x, data.targetRate, data.achievedRate],
      {
        scales: {
          y: {
            range: function (u, min, max) {
              return [0, Math.max(1, (max || 0) * 1.08)];
            },
          },
        },
        emptyNote: noRequests,
      },
    );
    var sloMax = data.sloLines.reduce(function (max, line) {
      return Math.max(max, line.ms);
    }, 0);
    chart(
      charts,
      'Latency',
      'ms',
      [
        { label: 'p50', unit: 'ms', stroke: INK.green, width: 1.5 },
        { label: 'p95', unit: 'ms', stroke: INK.orange, width: 2, dash: [10, 4] },
        { label: 'p99', unit: 'ms', stroke: INK.vermillion, width: 2.5, dash: [2, 3] },
        // ordeal's own lateness, part of every latency above: the error bar the latency checks are judged with.
        { label: 'send lag p99 (ordeal)', unit: 'ms', stroke: INK.sky, width: 1, fill: 'rgba(86,180,233,0.15)' },
      ],
      [
        data.x,
        data.p50Ms,
        data.p95Ms,
        data.p99Ms,
        data.sendLagP99Ms ||
          data.x.map(function () {
            return null;
          }),
      ],
      {
        // The thresholds stay in view: the distance to them is the point.
        scales: {
          y: {
            range: function (u, min, max) {
              return [0, Math.max(1, max || 0, sloMax * 1.12)];
            },
          },
        },
        draw: [sloLines],
        emptyNote: noRequests,
      },
    );
    chart(
      charts,
      'Error rate',
      '%',
      [{ label: 'errors', unit: '%', stroke: INK.vermillion, width: 2, fill: 'rgba(213,94,0,0.12)' }],
      [data.x, data.errorRatePercent],
      {
        scales: {
          y: {
            range: function (u, min, max) {
              return [0, Math.max(1, max || 0)];
            },
          },
        },
        emptyNote: noRequests,
      },
    );
  }

  /** One chart per signal the checks read; a state (breaker, failover) by name, stepped. */
  function drawSignalCharts(charts) {
    var palette = [INK.purple, INK.sky, INK.green, INK.orange];
    data.signals.forEach(function (signal, index) {
      var names = stateNames(signal.unit);
      var integers = signal.y.every(function (v) {
        return Math.round(v) === v;
      });
      var stepped = {
        label: signal.name,
        stroke: palette[index % palette.length],
        width: 2,
        paths: uPlot.paths.stepped({ align: 1 }),
      };
      if (names) {
        // States read as names on whole-number ticks, never 0.5.
        var top = Object.keys(names).reduce(function (max, k) {
          return Math.max(max, Number(k));
        }, 0);
        chart(
          charts,
          signal.name + ' — state',
          '',
          [
            Object.assign(stepped, {
              value: function (u, v) {
                return v === null || v === undefined ? '' : names[v] || number(v);
              },
            }),
          ],
          [signal.x, signal.y],
          {
            scales: { y: { range: [-0.15, top + 0.15] } },
            yAxis: {
              size: 80,
              incrs: [1],
              values: function (u, ticks) {
                return ticks.map(function (t) {
                  return Number.isInteger(t) ? names[t] || String(t) : '';
                });
              },
            },
          },
        );
        return;
      }
      chart(
        charts,
        signal.name,
        signal.unit,
        [Object.assign(stepped, { unit: signal.unit })],
        [signal.x, signal.y],
        integers ? { yAxis: { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } } : {},
      );
    });
  }

  function drawAll(newData) {
    data = newData;
    plots.forEach(function (plot) {
      plot.destroy();
    });
    plots = [];
    var charts = document.getElementById('charts');
    charts.innerHTML = '';
    drawLoadCharts(charts);
    drawSignalCharts(charts);

    // "What went wrong" links move every chart's cursor to the moment they name.
    document.querySelectorAll('a[data-at]').forEach(function (link) {
      link.addEventListener('click', function () {
        var at = Number(link.getAttribute('data-at'));
        plots.forEach(function (plot) {
          plot.setCursor({ left: plot.valToPos(at, 'x'), top: plot.bbox.height / devicePixelRatio / 2 });
        });
      });
    });
    window.__ordealCharts = plots;
    document.documentElement.setAttribute('data-charts-drawn', String(plots.length));
  }

  window.ordealDrawCharts = drawAll;
  var embedded = document.getElementById('ordeal-data');
  if (embedded) drawAll(JSON.parse(embedded.textContent));
})();
