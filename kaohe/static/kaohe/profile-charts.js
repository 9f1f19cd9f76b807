// Profile and comparison charts: data from the page's json_script block (no inline script: CSP), drawn with
// the locally served ECharts. Without JavaScript the tables below each chart say it all.
(function () {
  "use strict";

  function band(spread, key) {
    return spread.map(function (s) { return s ? s[key] : null; });
  }

  function trend(data) {
    var t = data.trend;
    var series = [
      { name: "综合得分", type: "line", data: t.composite, connectNulls: false, symbolSize: 8,
        label: { show: true, position: "top", formatter: function (p) { return t.grades[p.dataIndex]; } } },
      { name: "民主测评得分", type: "line", data: t.democratic, connectNulls: false, symbolSize: 6 },
      { name: "池内下四分位", type: "line", data: band(t.composite_spread, "q1"), lineStyle: { type: "dashed", opacity: 0.5 }, symbol: "none" },
      { name: "池内中位数", type: "line", data: band(t.composite_spread, "median"), lineStyle: { type: "dotted" }, symbol: "none" },
      { name: "池内上四分位", type: "line", data: band(t.composite_spread, "q3"), lineStyle: { type: "dashed", opacity: 0.5 }, symbol: "none" }
    ];
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: { type: "category", data: t.years },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); },
               max: function (v) { return Math.ceil(v.max + 5); } },
      series: series
    };
  }

  function radar(data) {
    var r = data.radar;
    if (!r) { return null; }
    return {
      title: { text: r.year + "年度「好」的比例", textStyle: { fontSize: 13 } },
      tooltip: {},
      legend: { bottom: 0 },
      radar: { indicator: r.items.map(function (name) { return { name: name, max: 1 }; }) },
      series: [{ type: "radar", data: r.series.map(function (s) {
        return { name: s.name, value: s.values.map(function (v) { return v === null ? 0 : v; }) };
      }) }]
    };
  }

  function aspects(data) {
    var a = data.aspects;
    if (!a.years.length) { return null; }
    return {
      title: { text: "历年「好」的比例", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 48 },
      xAxis: { type: "category", data: a.years },
      yAxis: { type: "value", min: 0, max: 1 },
      series: a.lines.map(function (l) { return { name: l.name, type: "line", data: l.values }; })
    };
  }

  function compare(data) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 96 },
      xAxis: { type: "category", data: data.names, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); } },
      series: [
        { name: data.year + "年度", type: "bar", data: data.now },
        { name: (data.year - 1) + "年度", type: "bar", data: data.before }
      ]
    };
  }

  var builders = { trend: trend, radar: radar, aspects: aspects, compare: compare };

  function draw() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-profile-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart-source"));
      var build = builders[box.getAttribute("data-profile-chart")];
      if (!source || !build) { return; }
      var option = build(JSON.parse(source.textContent));
      if (!option) { box.hidden = true; return; }
      var chart = echarts.getInstanceByDom(box) || echarts.init(box);
      chart.setOption(option, true);
      box.setAttribute("data-chart-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-profile-chart]").forEach(function (box) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(box);
      if (chart) { chart.resize(); }
    });
  });
})();
