/* The hazard statistics page's charts (ECharts, served locally): a bar chart by region and a
   pie by status, drawn from the page's own JSON (json_script "stats-data"). The tables on the
   page hold the same figures for screen readers and printing. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("stats-data");
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];

    var regions = document.getElementById("chart-regions");
    if (regions) {
      var bars = echarts.init(regions);
      bars.setOption({
        title: { text: regions.dataset.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 64, left: 8, right: 8, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.regions, axisLabel: { interval: 0, rotate: data.regions.length > 6 ? 40 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (series) {
          return { name: series.name, type: "bar", data: series.data };
        }),
      });
      charts.push(bars);
    }

    var statuses = document.getElementById("chart-statuses");
    if (statuses) {
      var pie = echarts.init(statuses);
      pie.setOption({
        title: { text: statuses.dataset.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0 },
        // Statuses with no hazard would only crowd the labels.
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          top: 24,
          bottom: 48,
          data: data.statuses.filter(function (status) { return status.value > 0; }),
        }],
      });
      charts.push(pie);
    }

    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
