// Draws the dashboard's charts with ECharts from the JSON each chart section carries (the same
// rows as its table). Bars and map shapes that stand for a region open its dashboard.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "id";
  const number = new Intl.NumberFormat(lang);
  const compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  const MAP = "indonesia-provinsi";

  function format(chart, value) {
    return (chart.rupiah ? "Rp" : "") + number.format(value);
  }

  function axis(chart) {
    return { type: "value", axisLabel: { formatter: (v) => compact.format(v) } };
  }

  function bar(chart) {
    const names = chart.rows.map((r) => r[0]);
    const values = chart.rows.map((r) => r[1]);
    const horizontal = chart.rows.length > 12;
    const categories = { type: "category", data: horizontal ? names.slice().reverse() : names,
                         axisLabel: { interval: 0, width: 140, overflow: "truncate" } };
    return {
      grid: { left: horizontal ? 150 : 50, right: 20, top: 10, bottom: 30 },
      tooltip: { trigger: "axis", valueFormatter: (v) => format(chart, v) },
      xAxis: horizontal ? axis(chart) : categories,
      yAxis: horizontal ? categories : axis(chart),
      series: [{ type: "bar", name: chart.columns[1], itemStyle: { color: "#0b6e4f" },
                 data: horizontal ? values.slice().reverse() : values }],
    };
  }

  function line(chart) {
    return {
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", valueFormatter: (v) => format(chart, v) },
      xAxis: { type: "category", data: chart.rows.map((r) => r[0]) },
      yAxis: axis(chart),
      series: chart.columns.slice(1).map((name, i) => ({
        type: "line", name: name, smooth: true, data: chart.rows.map((r) => r[i + 1]),
      })),
    };
  }

  function map(chart) {
    const values = chart.rows.map((r) => r[1]);
    const outlined = new Set(chart.highlight);
    const data = chart.features.map((code, i) => ({
      name: code, value: values[i], label: chart.rows[i][0],
      itemStyle: outlined.has(code) ? { borderColor: "#212529", borderWidth: 1.5 } : undefined,
    }));
    return {
      tooltip: { trigger: "item", formatter: (p) => p.data
        ? p.data.label + ": " + format(chart, p.data.value) : "" },
      visualMap: { min: 0, max: Math.max(1, ...values), calculable: true, left: 10, bottom: 10,
                   inRange: { color: ["#e8f3ee", "#0b6e4f"] },
                   formatter: (v) => compact.format(v) },
      series: [{ type: "map", map: MAP, nameProperty: "code", roam: true, name: chart.columns[1],
                 data: data, selectedMode: false,
                 itemStyle: { borderColor: "#fff", borderWidth: 0.5, areaColor: "#ddd" },
                 emphasis: { label: { show: false } } }],
    };
  }

  async function draw(section) {
    const chart = JSON.parse(section.querySelector("script[type='application/json']").textContent);
    const canvas = section.querySelector(".chart-canvas");
    if (chart.kind === "map" && !echarts.getMap(MAP)) {
      const response = await fetch(canvas.dataset.geo);
      echarts.registerMap(MAP, await response.json());
    }
    const drawn = echarts.init(canvas, null, { renderer: "svg" });
    drawn.setOption({ bar, line, map }[chart.kind](chart));
    drawn.on("click", (p) => {
      const url = chart.links[p.name];
      if (url) window.location.href = url + window.location.search;
    });
    window.addEventListener("resize", () => drawn.resize());
    canvas.dataset.rendered = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart]").forEach((section) => {
      draw(section).catch(() => { section.querySelector(".chart-canvas").dataset.rendered = "error"; });
    });
  });
})();
