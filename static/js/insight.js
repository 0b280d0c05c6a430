// The KPI dashboard's charts: data from the page's json_script (no inline script; CSP-safe).
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("in-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || "de";
    var money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var day = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit" });
    var green = "#0b6e4f", blue = "#3e7cb1";
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.animation = false;
    var moneyAxis = { beginAtZero: true, ticks: { callback: function (v) { return money.format(v); } } };
    var tooltipMoney = { callbacks: { label: function (c) { return c.dataset.label + ": " + money.format(c.parsed.y); } } };
    var daily = document.getElementById("in-chart-daily");
    if (daily) {
      new window.Chart(daily, {
        type: "line",
        data: {
          labels: data.daily.labels.map(function (d) { return day.format(new Date(d + "T12:00:00")); }),
          datasets: [
            { label: data.daily.online_label, data: data.daily.online, borderColor: green, backgroundColor: green, tension: 0.25, pointRadius: 2 },
            { label: data.daily.store_label, data: data.daily.store, borderColor: blue, backgroundColor: blue, tension: 0.25, pointRadius: 2 }
          ]
        },
        options: { maintainAspectRatio: false, scales: { y: moneyAxis }, plugins: { tooltip: tooltipMoney } }
      });
    }
    var stores = document.getElementById("in-chart-stores");
    if (stores && data.stores) {
      new window.Chart(stores, {
        type: "bar",
        data: {
          labels: data.stores.labels,
          datasets: [
            { label: data.stores.online_label, data: data.stores.online, backgroundColor: green },
            { label: data.stores.store_label, data: data.stores.store, backgroundColor: blue }
          ]
        },
        options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: Object.assign({ stacked: true }, moneyAxis) }, plugins: { tooltip: tooltipMoney } }
      });
    }
    var tiers = document.getElementById("in-chart-tiers");
    if (tiers) {
      new window.Chart(tiers, {
        type: "doughnut",
        data: { labels: data.tiers.labels, datasets: [{ data: data.tiers.values, backgroundColor: ["#98a2b3", "#c0c5cf", "#d4a017", "#0b6e4f", "#3e7cb1"] }] },
        options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
