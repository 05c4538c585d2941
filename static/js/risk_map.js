/* The four-colour risk map (ECharts, served locally): each child region a point at its
   coordinates, coloured by its highest open risk level and sized by its number of risks; a
   click opens that region's map. No boundary shapes exist offline, so regions are points on
   longitude/latitude axes; the tables on the page hold the same figures for screen readers
   and printing. Data: json_script "risk-map-data". */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("risk-map-data");
    var element = document.getElementById("risk-map");
    if (!source || !element || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element);
    var maxTotal = Math.max.apply(null, [1].concat(data.points.map(function (p) { return p.value[2]; })));
    chart.setOption({
      title: { text: element.dataset.title, textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var p = item.data;
          var lines = [p.name + "：" + (p.highest ? data.labels[p.highest] : "无风险")];
          Object.keys(data.labels).forEach(function (level) {
            lines.push(data.labels[level] + " " + p.counts[level]);
          });
          return lines.join("<br>");
        },
      },
      grid: { top: 40, left: 8, right: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", scale: true, name: "经度", splitLine: { show: false } },
      yAxis: { type: "value", scale: true, name: "纬度", splitLine: { show: false } },
      series: [{
        type: "effectScatter",
        rippleEffect: { scale: 2.5, brushType: "stroke" },
        showEffectOn: "render",
        symbolSize: function (value) { return 14 + 26 * Math.sqrt(value[2] / maxTotal); },
        label: { show: true, position: "right", formatter: "{b}" },
        data: data.points.map(function (p) {
          return {
            name: p.name,
            value: p.value,
            id: p.id,
            drill: p.drill,
            highest: p.highest,
            counts: p.counts,
            itemStyle: { color: p.highest ? data.colours[p.highest] : "#adb5bd" },
          };
        }),
      }],
    });
    chart.on("click", function (item) {
      if (item.data && item.data.drill) {
        window.location.href = element.dataset.url + "?unit=" + item.data.id;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
