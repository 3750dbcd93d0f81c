// Draws each table of figures on the statistics page as a chart; the numbers stay in the table beside it.
(function () {
  "use strict";
  // Which tables are parts of a whole (pies) and which numbers each bar chart shows.
  var PIES = { status: "cases", outcome: "cases", procedure: "cases" };
  var BARS = {
    closure: ["cases"], stage: ["cases"], stage_days: ["average", "p90"], late_by_group: ["late", "overdue"],
    tolerance_by_domain: ["rate"], tolerance_by_unit: ["rate"],
    rulings_by_year: ["exempt", "mitigate", "not_tolerated"], clarified_by_year: ["cadres"],
    filings_by_year: ["filed", "registered", "drifts", "cited"]
  };
  var STACKED = { late_by_group: true, rulings_by_year: true };

  function columnLabel(table, key) {
    for (var i = 0; i < table.columns.length; i++) {
      if (table.columns[i].key === key) { return table.columns[i].label; }
    }
    return key;
  }

  function option(table) {
    var labels = table.rows.map(function (r) { return r.label; });
    if (PIES[table.key]) {
      var key = PIES[table.key];
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["35%", "65%"], top: -20, label: { formatter: "{b}\n{c}" },
          data: table.rows.map(function (r) { return { name: r.label, value: r[key] }; }) }]
      };
    }
    var keys = BARS[table.key] || [];
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, show: keys.length > 1 },
      grid: { left: 8, right: 8, top: 16, bottom: keys.length > 1 ? 48 : 24, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k) {
        return { name: columnLabel(table, k), type: "bar", stack: STACKED[table.key] ? "total" : undefined,
          // An empty part of a stacked bar says nothing: its "0" would only sit on top of the next one.
          label: { show: true, position: STACKED[table.key] ? "inside" : "top",
            formatter: function (p) { return p.value ? String(p.value) : ""; } },
          data: table.rows.map(function (r) { return r[k]; }) };
      })
    };
  }

  function draw() {
    var source = document.getElementById("figure-data");
    if (!source || !window.echarts) { return; }
    var tables = JSON.parse(source.textContent);
    var charts = [];
    tables.forEach(function (table) {
      var box = document.querySelector('.chart[data-chart="' + table.key + '"]');
      if (!box || !table.rows.length) { return; }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(table));
      box.setAttribute("data-drawn", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", draw);
}());
