/* Counting by scanner: each scan (EAN, or a typed SKU) adds the units in the quantity field (1 by
   default, so repeated scans count up) to a live list that can be corrected; a summary comes
   before the count is submitted. The list is posted as the form's "SKU;units" lines, the same
   input as typing them, and kept in this tab's storage until it is submitted. */
(function () {
  "use strict";
  var root = document.querySelector("[data-testid=count]");
  if (!root) return;
  var form = document.getElementById("count-form");
  var code = document.getElementById("count-ean");
  var qty = document.getElementById("count-qty");
  var rows = document.getElementById("count-rows");
  var feedback = document.getElementById("count-feedback");
  var lines = form.querySelector("textarea[name=lines]");
  var review = document.getElementById("count-review");
  var summary = document.getElementById("count-summary");
  var key = "count:draft";
  var items = [];
  try { items = JSON.parse(sessionStorage.getItem(key) || "[]"); } catch (e) { items = []; }

  function say(text, ok) {
    feedback.textContent = text;
    feedback.className = "count__feedback " + (ok ? "count__feedback--ok" : "count__feedback--error");
  }

  function button(label, text, action, sku) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn secondary small";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.dataset.action = action;
    b.dataset.sku = sku;
    return b;
  }

  function save() {
    sessionStorage.setItem(key, JSON.stringify(items));
    if (items.length) lines.value = items.map(function (i) { return i.sku + ";" + i.units; }).join("\n");
    rows.textContent = "";
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      tr.dataset.testid = "counted-" + item.sku;
      tr.setAttribute("data-testid", "counted-" + item.sku);
      var what = document.createElement("td");
      what.innerHTML = "<strong></strong><br><span class='stock-hint'></span>";
      what.querySelector("strong").textContent = item.name + (item.label ? " · " + item.label : "");
      what.querySelector("span").textContent = item.sku + (item.ean ? " · " + item.ean : "");
      var units = document.createElement("td");
      units.className = "num";
      var input = document.createElement("input");
      input.type = "number"; input.min = "0"; input.max = "9999"; input.value = item.units;
      input.className = "count__units"; input.dataset.sku = item.sku;
      input.setAttribute("aria-label", root.dataset.msgUnits + " " + item.sku);
      units.appendChild(input);
      var act = document.createElement("td");
      act.className = "count__act";
      act.appendChild(button(root.dataset.msgLess, "−", "less", item.sku));
      act.appendChild(button(root.dataset.msgMore, "+", "more", item.sku));
      act.appendChild(button(root.dataset.msgRemove, "✕", "remove", item.sku));
      tr.appendChild(what); tr.appendChild(units); tr.appendChild(act);
      rows.appendChild(tr);
    });
    document.getElementById("count-empty").hidden = items.length > 0;
    review.hidden = items.length === 0;
    if (!items.length) summary.hidden = true;
    document.getElementById("sum-lines").textContent = items.length;
    document.getElementById("sum-units").textContent = items.reduce(function (n, i) { return n + i.units; }, 0);
  }

  function find(value) {
    var upper = value.toUpperCase();
    return items.find(function (i) { return i.ean === value || i.sku.toUpperCase() === upper; });
  }

  function add(item, units) {
    item.units += units;
    items = items.filter(function (i) { return i !== item; });
    items.unshift(item);  // the last counted on top
    save();
    say("✓ " + item.name + (item.label ? " · " + item.label : "") + ": " + item.units, true);
  }

  function scan() {
    var value = code.value.trim();
    var units = parseInt(qty.value, 10);
    code.value = ""; qty.value = "1"; code.focus();
    if (!value) return;
    if (!(units >= 1)) units = 1;
    var known = find(value);
    if (known) { add(known, units); return; }
    fetch(root.dataset.lookup + "?code=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.detail, false); return; }
        add(find(res.body.sku) || { sku: res.body.sku, ean: res.body.ean, name: res.body.name, label: res.body.label, units: 0 }, units);
      })
      .catch(function () { say(value, false); });
  }

  code.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); scan(); } });
  qty.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); scan(); } });
  document.getElementById("count-add").addEventListener("click", scan);
  rows.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (!b) return;
    var item = find(b.dataset.sku);
    if (b.dataset.action === "remove") items = items.filter(function (i) { return i !== item; });
    else item.units = Math.max(0, item.units + (b.dataset.action === "more" ? 1 : -1));
    save();
  });
  rows.addEventListener("change", function (e) {
    if (!e.target.classList.contains("count__units")) return;
    var item = find(e.target.dataset.sku);
    item.units = Math.max(0, parseInt(e.target.value, 10) || 0);
    save();
  });
  review.addEventListener("click", function () { summary.hidden = false; summary.scrollIntoView({ block: "center" }); });
  document.getElementById("count-back").addEventListener("click", function () { summary.hidden = true; code.focus(); });
  form.addEventListener("submit", function () { sessionStorage.removeItem(key); });
  save();
})();
