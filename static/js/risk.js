/* The risk pages' charts (ECharts, vendored). Each chart reads its data from a json_script element. */
(function () {
  "use strict";
  var COLOURS = { red: "#c62828", orange: "#ef8a1f", green: "#2e7d32" };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function labels() {
    return data("colour-labels") || { red: "red", orange: "orange", green: "green" };
  }

  var builders = {
    trend: function (d) {
      var names = labels();
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 30, bottom: 25 },
        xAxis: { type: "category", data: d.weeks.map(function (w) { return w.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: ["red", "orange", "green"].map(function (c) {
          return { name: names[c], type: "bar", stack: "all", data: d.overall[c], itemStyle: { color: COLOURS[c] } };
        })
      };
    },
    units: function (d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        grid: { left: 40, right: 10, top: 30, bottom: 25 },
        xAxis: { type: "category", data: d.weeks.map(function (w) { return w.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: d.units.map(function (u) { return { name: u.name, type: "line", data: u.risky }; })
      };
    },
    history: function (d) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 10, top: 15, bottom: 25 },
        xAxis: { type: "category", data: d.weeks.map(function (w) { return w.slice(5); }) },
        yAxis: { type: "value", min: 0, max: 100 },
        visualMap: {
          show: false, dimension: 1,
          pieces: [{ lte: d.red_max, color: COLOURS.red }, { gt: d.red_max, lt: d.green_min, color: COLOURS.orange },
            { gte: d.green_min, color: COLOURS.green }]
        },
        series: [{
          type: "line", data: d.scores, symbolSize: 8,
          markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#888" }, label: { position: "insideEndTop" },
            data: [{ yAxis: d.red_max }, { yAxis: d.green_min }] }
        }]
      };
    },
    dimensions: function (d) {
      return {
        tooltip: {},
        grid: { left: 150, right: 30, top: 10, bottom: 20 },
        xAxis: { type: "value", min: 0 },
        yAxis: { type: "category", data: d.dimensions, inverse: true },
        series: [{ type: "bar", data: d.deductions, itemStyle: { color: "#a8262b" }, label: { show: true, position: "right" } }]
      };
    }
  };

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var d = data(node.dataset.source);
      var build = builders[node.dataset.chart];
      if (!d || !build) return;
      var chart = window.echarts.init(node, null, { renderer: "svg" });
      var option = build(d);
      // Tooltips drawn inside the SVG: the HTML tooltip writes style attributes, which the
      // Content-Security-Policy refuses.
      if (option.tooltip) option.tooltip.renderMode = "richText";
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
      node.dataset.ready = "1";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
