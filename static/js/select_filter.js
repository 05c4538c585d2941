// A type-to-filter box above every <select data-filter>: a province's list of units runs to
// two thousand names, too many to scroll on a phone. Options that do not match are taken out
// of the select (iOS ignores hidden options) and put back when the text changes; selected
// options always stay, so what the form submits never depends on the filter.
(function () {
  "use strict";

  function enhance(select) {
    // Grouped options would lose their groups when re-parented: such selects stay as they are.
    if (select.dataset.filterReady || select.querySelector("optgroup")) return;
    select.dataset.filterReady = "1";
    var options = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 select-filter";
    box.placeholder = select.dataset.filterPlaceholder || "输入名称筛选…";
    box.setAttribute("aria-label", (select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "") + " 筛选");
    box.setAttribute("aria-controls", select.id);
    var status = document.createElement("div");
    status.className = "form-text select-filter-status";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select.nextSibling);

    box.addEventListener("input", function () {
      var query = box.value.trim().toLowerCase();
      // Read before moving anything: taking the chosen option out of a single select makes
      // the browser choose the next one.
      var selected = options.filter(function (option) { return option.selected; });
      var shown = 0;
      var fragment = document.createDocumentFragment();
      options.forEach(function (option) {
        var keep = !query || option.value === "" || selected.indexOf(option) !== -1 ||
          option.textContent.toLowerCase().indexOf(query) !== -1;
        if (keep) {
          fragment.appendChild(option);
          if (option.value !== "") shown += 1;
        }
      });
      select.replaceChildren(fragment);
      selected.forEach(function (option) { option.selected = true; });
      status.textContent = query ? "匹配 " + shown + " 项" : "";
    });
    // Enter in the box must not submit the form half-chosen.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-filter]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
