// The dossier's line of composite scores across years: data from the page's json_script block, drawn with
// the locally served ECharts. Years without a composite (往年等次 imported, or a result declared 无效) leave a
// gap; the tooltip gives each year's grade. Without JavaScript the table below says it all.
(function () {
  "use strict";

  function draw() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart-source]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      if (!data.composite.some(function (v) { return v !== null; })) { box.hidden = true; return; }
      var chart = echarts.getInstanceByDom(box) || echarts.init(box);
      chart.setOption({
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var item = items[0];
            var score = item.value === null || item.value === undefined ? "—" : item.value.toFixed(2);
            return item.axisValue + "年度<br>综合得分 " + score + "<br>等次 " + data.grades[item.dataIndex];
          }
        },
        grid: { left: 48, right: 24, top: 24, bottom: 32 },
        xAxis: { type: "category", data: data.years },
        yAxis: {
          type: "value",
          name: "综合得分",
          min: function (v) { return Math.max(0, Math.floor(v.min - 5)); },
          max: function (v) { return Math.ceil(v.max + 5); }
        },
        series: [{
          type: "line",
          data: data.composite,
          connectNulls: false,
          symbolSize: 8,
          showSymbol: true,
          itemStyle: { color: "#a4262c" },
          label: {
            show: true,
            position: "top",
            formatter: function (p) { return data.grades[p.dataIndex]; }
          }
        }]
      }, true);
      box.setAttribute("data-chart-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-source]").forEach(function (box) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(box);
      if (chart) { chart.resize(); }
    });
  });
})();
