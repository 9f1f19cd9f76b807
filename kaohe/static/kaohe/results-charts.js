// Charts of the results pages, drawn with the locally served ECharts from data the page carries in
// <script type="application/json"> blocks (json_script); the CSP allows no inline script. Each box names
// its chart (data-chart) and its data block (data-chart-source). The tables say everything without them.
(function () {
  "use strict";

  var RED = "#a4262c";

  function histogram(data) {
    var d = data.distribution;
    if (!d || !d.counts.length) { return null; }
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 40, right: 12, top: 16, bottom: 56 },
      xAxis: { type: "category", data: d.labels, name: "综合得分", nameLocation: "middle", nameGap: 40,
               axisLabel: { rotate: 45, fontSize: 11 } },
      yAxis: { type: "value", name: "人数", minInterval: 1 },
      series: [{ type: "bar", data: d.counts, itemStyle: { color: RED } }]
    };
  }

  function groups(data) {
    var g = data.groups;
    if (!g || !g.groups.length) { return null; }
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 formatter: function (items) {
                   var i = items[0].dataIndex;
                   return g.groups[i] + "：" + g.means[i] + "（" + g.targets[i] + " 个对象）";
                 } },
      grid: { left: 40, right: 12, top: 16, bottom: 32 },
      xAxis: { type: "category", data: g.groups },
      yAxis: { type: "value", scale: true, name: "平均得分" },
      series: [{ type: "bar", data: g.means, itemStyle: { color: "#2b579a" } }]
    };
  }

  function radar(data) {
    if (!data.groups || data.groups.length < 3) {
      // A radar needs three axes; two groups or fewer read better as bars.
      if (!data.groups || !data.groups.length) { return null; }
      return {
        grid: { left: 40, right: 12, top: 16, bottom: 32 },
        xAxis: { type: "category", data: data.groups.map(function (g) { return g.name; }) },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ type: "bar", data: data.groups.map(function (g) { return g.score; }), itemStyle: { color: RED } }]
      };
    }
    return {
      tooltip: {},
      radar: { indicator: data.groups.map(function (g) { return { name: g.name, max: 100 }; }), radius: "65%" },
      series: [{ type: "radar", data: [{ value: data.groups.map(function (g) { return g.score; }), name: data.name }],
                 areaStyle: { opacity: 0.2 }, itemStyle: { color: RED } }]
    };
  }

  var CHARTS = { histogram: histogram, groups: groups, radar: radar };

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart-source"));
      var make = CHARTS[box.getAttribute("data-chart")];
      if (!source || !make) { return; }
      var option = make(JSON.parse(source.textContent));
      if (!option) { box.hidden = true; return; }
      box.hidden = false;
      box.style.height = (box.getAttribute("data-chart") === "radar" ? 300 : 240) + "px";
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
