/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Facets: the filter panel starts open on wide screens (closed on phones unless a filter is
  // chosen), also after htmx swapped the list in.
  function openFacetsOnWideScreens(root) {
    if (!window.matchMedia || !window.matchMedia("(min-width: 900px)").matches) return;
    (root || document).querySelectorAll("[data-facet-panel]").forEach(function (panel) {
      panel.open = true;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { openFacetsOnWideScreens(); });
  document.addEventListener("htmx:afterSettle", function () { openFacetsOnWideScreens(); });

  // Header search suggestions (ARIA combobox): htmx loads them (one request per pause in
  // typing, an older one replaced); arrow keys move through them, Enter opens, Escape closes.
  function comboboxParts() {
    var input = document.querySelector("[data-search-combobox]");
    var list = input && document.getElementById(input.getAttribute("aria-controls"));
    return input && list ? { input: input, list: list } : null;
  }
  function suggestionOptions(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }
  function closeSuggestions(parts) {
    parts.list.innerHTML = "";
    parts.input.setAttribute("aria-expanded", "false");
    parts.input.removeAttribute("aria-activedescendant");
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var parts = comboboxParts();
    if (!parts || event.target !== parts.list) return;
    var open = parts.list.children.length > 0 && document.activeElement === parts.input;
    parts.input.setAttribute("aria-expanded", open ? "true" : "false");
    parts.input.removeAttribute("aria-activedescendant");
    if (!open) parts.list.innerHTML = "";
  });
  document.addEventListener("keydown", function (event) {
    var parts = comboboxParts();
    if (!parts || event.target !== parts.input) return;
    var options = suggestionOptions(parts.list);
    var current = options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      var next = event.key === "ArrowDown" ? current + 1 : current - 1;
      if (next < 0) next = options.length - 1;
      if (next >= options.length) next = 0;
      options.forEach(function (o) { o.setAttribute("aria-selected", "false"); });
      options[next].setAttribute("aria-selected", "true");
      options[next].scrollIntoView({ block: "nearest" });
      parts.input.setAttribute("aria-activedescendant", options[next].id);
      parts.input.setAttribute("aria-expanded", "true");
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      var link = options[current].querySelector("a");
      if (link) window.location.href = link.href;
    } else if (event.key === "Escape") {
      closeSuggestions(parts);
    }
  });
  document.addEventListener("click", function (event) {
    var parts = comboboxParts();
    if (parts && !parts.input.closest("form").contains(event.target)) closeSuggestions(parts);
  });

  // Product gallery: a thumbnail shows its image in the large frame.
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest("[data-gallery-thumb]");
    if (!thumb) return;
    var gallery = thumb.closest("[data-gallery]");
    var main = gallery && gallery.querySelector("[data-gallery-main]");
    if (!main) return;
    main.src = thumb.getAttribute("data-gallery-thumb");
    main.alt = thumb.getAttribute("data-alt") || "";
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    thumb.setAttribute("aria-current", "true");
  });

  // Colour and size pickers: htmx replaces the picker after a choice; the keyboard focus stays
  // on the chosen option of the group that was changed (arrow keys keep working).
  var pickerGroup = null;
  document.addEventListener("change", function (event) {
    var input = event.target;
    pickerGroup = input.closest && input.closest("[data-variant-picker]") ? input.name : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pickerGroup) return;
    var chosen = document.querySelector("[data-variant-picker] input[name='" + pickerGroup + "']:checked");
    pickerGroup = null;
    if (chosen && (!document.activeElement || document.activeElement === document.body)) chosen.focus();
  });

  // "Use my location": ask the browser where the shopper is, then load the URL with ?near=lat,lng
  // into the target (htmx) or as a page. Fields marked data-near remember it for later requests.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-geolocate]");
    if (!button) return;
    event.preventDefault();
    if (!("geolocation" in navigator)) {
      button.disabled = true;
      return;
    }
    button.setAttribute("aria-busy", "true");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var near = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        var base = button.getAttribute("data-geolocate-url");
        var url = base + (base.indexOf("?") === -1 ? "?" : "&") + "near=" + encodeURIComponent(near);
        document.querySelectorAll("[data-near]").forEach(function (field) { field.value = near; });
        var target = button.getAttribute("data-geolocate-target");
        if (target && window.htmx) {
          window.htmx.ajax("GET", url, { target: target, swap: "outerHTML" });
        } else {
          window.location.href = url;
        }
      },
      function () {
        button.removeAttribute("aria-busy");
        var message = button.getAttribute("data-geolocate-denied");
        if (message) window.alert(message);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });

  // A select marked data-autosubmit sends its form when it changes (the desk's store picker).
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // A form marked data-reset-after-request is emptied after its htmx request and its autofocus
  // field focused again, ready for the next scan (the pickup desk).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-reset-after-request]")) return;
    form.reset();
    var field = form.querySelector("[autofocus]");
    if (field) field.focus();
  });

  // Loyalty desk: after a booking the card field is emptied and focused, ready for the next
  // customer's scan.
  document.body.addEventListener("loyalty:booked", function () {
    var field = document.querySelector('[data-testid="lookup-form"] [name="card_number"]');
    if (!field) return;
    field.value = "";
    field.focus();
  });

  // A store chosen via htmx says so in the status line for a few seconds.
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "toast") {
      window.setTimeout(function () { event.detail.target.textContent = ""; }, 5000);
    }
  });
})();
