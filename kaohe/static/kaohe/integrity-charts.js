// Charts of the integrity page, drawn with the locally served ECharts from the data block the page
// carries (json_script); the CSP allows no inline script. The table says everything without them.
(function () {
  "use strict";

  var CHOICES = ["优秀", "称职", "基本称职", "不称职"];
  var COLOURS = ["#2b579a", "#6c9bd2", "#e0a030", "#a4262c"];

  function pct(x) { return Math.round(x * 1000) / 10; }

  function profiles(data) {
    if (!data.profiles.length) { return null; }
    var rows = [{ name: "全年度基线", shares: data.baseline }].concat(data.profiles);
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 90, right: 12, top: 28, bottom: 24 },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 11 } },
      series: CHOICES.map(function (choice, i) {
        return { name: choice, type: "bar", stack: "shares", itemStyle: { color: COLOURS[i] },
                 data: rows.map(function (r) { return pct(r.shares[i]); }) };
      })
    };
  }

  // A range drawn as an invisible bar up to its low end and a visible one over it, with points on top.
  function ranges(labels, lows, highs, points, pointName, marks, markName, axisMin, axisMax) {
    var series = [
      { type: "bar", stack: "range", data: lows, itemStyle: { color: "transparent" }, tooltip: { show: false } },
      { name: "区间", type: "bar", stack: "range", itemStyle: { color: "#9bb7e0" },
        data: highs.map(function (h, i) { return Math.round((h - lows[i]) * 1000) / 1000; }) },
      { name: pointName, type: "scatter", data: points, itemStyle: { color: "#2b579a" } },
      { name: markName, type: "scatter", symbol: "rect", symbolSize: [3, 16], data: marks, itemStyle: { color: "#a4262c" } }
    ];
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: ["区间", pointName, markName], textStyle: { fontSize: 11 } },
      grid: { left: 120, right: 12, top: 28, bottom: 24 },
      xAxis: { type: "value", min: axisMin, max: axisMax, scale: true },
      yAxis: { type: "category", inverse: true, data: labels, axisLabel: { fontSize: 11, width: 110, overflow: "truncate" } },
      series: series
    };
  }

  function bands(data) {
    var b = data.bands;
    if (!b.length) { return null; }
    var low = b.map(function (m) { return Number(m.low); });
    var high = b.map(function (m) { return Number(m.high); });
    var min = Math.floor(Math.min.apply(null, low)) - 1;
    return ranges(b.map(function (m) { return m.label; }), low, high,
                  b.map(function (m) { return Number(m.base); }), "综合得分",
                  b.map(function (m) { return m.cut === null ? null : Number(m.cut); }), "优秀线",
                  min, Math.ceil(Math.max.apply(null, high)) + 1);
  }

  function intervals(data) {
    var rows = data.intervals;
    if (!rows.length) { return null; }
    return ranges(rows.map(function (r) { return r.name + " " + r.share; }),
                  rows.map(function (r) { return pct(r.low); }), rows.map(function (r) { return pct(r.high); }),
                  rows.map(function (r) { return pct(r.value); }), "得票率",
                  rows.map(function (r) { return pct(r.line); }), "诫勉线/不称职线", 0, 100);
  }

  var CHARTS = { profiles: profiles, bands: bands, intervals: intervals };

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart-source"));
      var make = CHARTS[box.getAttribute("data-chart")];
      if (!source || !make) { return; }
      var data = JSON.parse(source.textContent);
      var option = make(data);
      if (!option) { box.hidden = true; return; }
      box.hidden = false;
      var rows = option.yAxis && option.yAxis.data ? option.yAxis.data.length : 8;
      box.style.height = Math.max(220, 60 + rows * 22) + "px";
      var chart = echarts.getInstanceByDom(box) || echarts.init(box);
      chart.setOption(option, true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(box);
      if (chart) { chart.resize(); }
    });
  });
})();
