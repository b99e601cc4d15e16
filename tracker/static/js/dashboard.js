/* Dashboard charts (Chart.js) drawn from the JSON block #dashboard-data; the tables stay the source of truth.
   Also: buttons marked data-print open the browser's print dialog (report print view). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data;
  try { data = JSON.parse(source.textContent); } catch (error) { return; }

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function integerAxis(extra) {
    var axis = { beginAtZero: true, ticks: { precision: 0 } };
    return Object.assign(axis, extra || {});
  }

  // Long names (owners, themes) are shortened on the axis; the table below has them in full.
  var labelLength = window.innerWidth < 576 ? 14 : 28;
  function categoryAxis(extra) {
    var axis = {
      ticks: {
        callback: function (value) {
          var label = String(this.getLabelForValue(value));
          return label.length > labelLength ? label.slice(0, labelLength - 1) + "\u2026" : label;
        }
      }
    };
    return Object.assign(axis, extra || {});
  }

  function dataset(series) {
    return { label: series.label, data: series.values, backgroundColor: series.color, borderColor: series.color };
  }

  var builders = {
    status: function (d) {
      return {
        type: "doughnut",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: d.colors }] },
        options: { plugins: { legend: { position: "bottom" } } }
      };
    },
    webinars: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: "#198754" }] },
        options: { indexAxis: "y", scales: { x: integerAxis({ max: d.max }), y: categoryAxis() }, plugins: { legend: { display: false } } }
      };
    },
    units: function (d) { return builders.webinars(d); },
    themes: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: "#0d6efd" }] },
        options: { indexAxis: "y", scales: { x: integerAxis(), y: categoryAxis() }, plugins: { legend: { display: false } } }
      };
    },
    owners: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: d.series.map(dataset) },
        options: { indexAxis: "y", scales: { x: integerAxis({ stacked: true }), y: categoryAxis({ stacked: true }) },
                   plugins: { legend: { position: "bottom" } } }
      };
    },
    trend: function (d) {
      var sets = d.series.map(function (series) {
        var set = dataset(series);
        set.tension = 0.2;
        set.fill = false;
        return set;
      });
      return {
        type: "line",
        data: { labels: d.labels, datasets: sets },
        options: { scales: { y: integerAxis() }, plugins: { legend: { position: "bottom" } } }
      };
    }
  };

  document.querySelectorAll(".chart-canvas[data-chart]").forEach(function (holder) {
    var name = holder.getAttribute("data-chart");
    var chartData = data[name];
    if (!chartData || !builders[name] || !chartData.labels || chartData.labels.length === 0) { return; }
    var rows = chartData.labels.length;
    holder.classList.add("chart-ready");
    if (name !== "status" && name !== "trend") {
      holder.classList.add("chart-rows-" + (rows > 12 ? "many" : rows > 6 ? "some" : "few"));
    }
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", holder.getAttribute("data-title") + ". " + holder.getAttribute("data-table-note"));
    holder.appendChild(canvas);
    new Chart(canvas, builders[name](chartData));
  });
})();
