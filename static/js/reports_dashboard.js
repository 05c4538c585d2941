/* The dashboard's charts (ECharts, served locally): bars by child region and by industry,
   drawn from the page's JSON (json_script "dashboard-data"); the table below the charts holds
   the region figures for screen readers and printing. */
(function () {
  "use strict";

  function bars(element, categories, series) {
    var chart = echarts.init(element);
    chart.setOption({
      title: { text: element.dataset.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24 },
      grid: { top: 64, left: 8, right: 8, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; }),
    });
    return chart;
  }

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var regions = document.getElementById("chart-regions");
    if (regions) charts.push(bars(regions, data.regions, data.region_series));
    var industries = document.getElementById("chart-industries");
    if (industries) charts.push(bars(industries, data.industries, data.industry_series));
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
