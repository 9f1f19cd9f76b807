// The live preview's bar chart: data from the page's <script type="application/json"> block (json_script),
// drawn with the locally served ECharts. Redrawn after each htmx refresh. Without JavaScript the table says it all.
(function () {
  "use strict";

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart-source]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      if (!data.values.length) { box.hidden = true; return; }
      box.hidden = false;
      box.style.height = Math.max(240, Math.min(480, 120 + data.values.length * 6)) + "px";
      var chart = echarts.getInstanceByDom(box) || echarts.init(box);
      chart.setOption({
        title: { text: data.category, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 48, right: 16, top: 40, bottom: 72 },
        xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 45, interval: 0, fontSize: 11 } },
        // Bars start at 0: a cut axis would make small differences look large.
        yAxis: { type: "value", name: "绩效（分）", min: 0 },
        series: [{ type: "bar", data: data.values, itemStyle: { color: "#a4262c" } }]
      }, true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  // Leave the table alone while someone is reading an explanation: skip that round of polling.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "preview-results" && elt.querySelector("details[open]")) { event.preventDefault(); }
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-source]").forEach(function (box) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(box);
      if (chart) { chart.resize(); }
    });
  });
})();
