// Bulletin preview: draw each chart block (its figures in a JSON script inside the element)
// with ECharts, on load and after htmx swaps in a fresh preview.
(function () {
  "use strict";

  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll(".bulletin-chart").forEach(function (element) {
      var source = element.querySelector("script[type='application/json']");
      if (!source || element.dataset.drawn) return;
      var block = JSON.parse(source.textContent);
      element.dataset.drawn = "1";
      echarts.init(element).setOption({
        title: { text: block.title, left: "center", textStyle: { fontSize: 14 } },
        grid: { left: 48, right: 12, top: 48, bottom: 48 },
        tooltip: {},
        xAxis: { type: "category", data: block.rows.map(function (row) { return row.unit; }),
                 axisLabel: { interval: 0, rotate: block.rows.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: block.columns[0] },
        series: [{ type: "bar", itemStyle: { color: "#d40000" }, label: { show: true, position: "top" },
                   data: block.rows.map(function (row) { return Number(row.values[0]); }) }]
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
