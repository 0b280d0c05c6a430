/* Picking on the desk: every line is confirmed by scanning its EAN (a keyboard-wedge scanner types
   the digits and presses Enter) or by tapping "Found". The tally lives in this tab's session
   storage, so a reload keeps it; the server only learns of missing units and of "ready". */
(function () {
  "use strict";
  var root = document.querySelector("[data-testid=pick]");
  if (!root) return;
  var key = "pick:" + root.dataset.order;
  var lines = Array.prototype.slice.call(root.querySelectorAll(".pick__line"));
  var feedback = document.getElementById("pick-feedback");
  var progress = root.querySelector("[data-testid=pick-progress]");
  var field = document.getElementById("pick-ean");
  var picked = {};
  try { picked = JSON.parse(sessionStorage.getItem(key) || "{}"); } catch (e) { picked = {}; }

  function need(line) { return parseInt(line.dataset.need, 10) || 0; }
  function count(line) { return Math.min(picked[line.dataset.sku] || 0, need(line)); }

  function render() {
    if (!field) return;
    var total = 0;
    lines.forEach(function (line) {
      var n = count(line);
      total += n;
      line.querySelector(".pick__picked").textContent = n;
      line.classList.toggle("pick__line--done", n >= need(line));
    });
    if (progress) progress.textContent = total;
    sessionStorage.setItem(key, JSON.stringify(picked));
  }

  function say(text, ok) {
    feedback.textContent = text;
    feedback.className = "pick__feedback " + (ok ? "pick__feedback--ok" : "pick__feedback--error");
  }

  function confirmOne(line) {
    if (count(line) >= need(line)) {
      say(root.dataset.msgFull + " " + line.dataset.name, false);
      return;
    }
    picked[line.dataset.sku] = count(line) + 1;
    render();
    say("✓ " + line.dataset.name + " (" + count(line) + "/" + need(line) + ")", true);
  }

  var scan = document.getElementById("pick-scan");
  if (scan) {
    scan.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = field.value.trim();
      field.value = "";
      field.focus();
      if (!code) return;
      var line = lines.find(function (l) {
        return (l.dataset.ean && l.dataset.ean === code) || l.dataset.sku.toUpperCase() === code.toUpperCase();
      });
      if (!line || !need(line)) { say(root.dataset.msgUnknown + " " + code, false); return; }
      confirmOne(line);
    });
  }
  root.addEventListener("click", function (event) {
    var tap = event.target.closest(".pick__tap");
    if (!tap) return;
    confirmOne(tap.closest(".pick__line"));
    if (field) field.focus();
  });
  var ready = document.getElementById("pick-ready");
  if (ready) {
    ready.addEventListener("submit", function (event) {
      var open = lines.some(function (l) { return count(l) < need(l); });
      if (open && !window.confirm(root.dataset.msgUnfinished)) { event.preventDefault(); return; }
      sessionStorage.removeItem(key);
    });
  }
  render();
})();
