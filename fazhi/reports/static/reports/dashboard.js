// Tooltips are drawn in the canvas (renderMode richText): the HTML ones carry style="..." attributes,
// which the Content-Security-Policy blocks.
(function () {
  if (typeof echarts === "undefined") return;
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var trend = data("trend-data"), monthly = data("monthly-data");
  var t = document.getElementById("trend-chart");
  if (t && trend) {
    echarts.init(t).setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: trend.years }, yAxis: { type: "value" },
      series: trend.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    });
  }
  var m = document.getElementById("monthly-chart");
  if (m && monthly) {
    echarts.init(m).setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "category", data: monthly.months }, yAxis: { type: "value", minInterval: 1 },
      series: Object.keys(monthly.series).map(function (k) { return { name: k, type: "bar", data: monthly.series[k] }; })
    });
  }
})();
