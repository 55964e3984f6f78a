// CRF section pages: land on the field a link names, and go to a field from the error summary.
(function () {
  "use strict";

  function controlIn(element) {
    if (!element) return null;
    if (element.matches("input, select, textarea")) return element;
    return element.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
  }

  function land(element) {
    if (!element) return;
    var holder = element.closest(".crf-question, td, fieldset") || element;
    holder.classList.add("crf-highlight");
    var control = controlIn(element) || element;
    holder.scrollIntoView({block: "center"});
    control.focus({preventScroll: true});
  }

  function targetOf(hash) {
    if (!hash || hash.length < 2) return null;
    var id = decodeURIComponent(hash.slice(1));
    if (id.indexOf("analyte-") === 0) {
      // The first row of that analyte: its value cell (a new row is preselected by ?analyte=).
      var code = id.slice("analyte-".length);
      var selects = document.querySelectorAll("select[name$='-analyte']");
      for (var i = 0; i < selects.length; i++) {
        if (selects[i].value === code) {
          var row = selects[i].closest("tr");
          return row.querySelector("input[name$='-value']") || selects[i];
        }
      }
      return null;
    }
    return document.getElementById(id);
  }

  // After "load": the browser's own jump to the #fragment comes first and would take the focus back.
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      var summary = document.getElementById("error-summary");
      if (summary) {
        summary.focus();
      } else {
        land(targetOf(window.location.hash));
      }
    }, 0);
  });
  window.addEventListener("hashchange", function () { land(targetOf(window.location.hash)); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-focus]");
    if (!link) return;
    var element = document.getElementById(link.getAttribute("data-focus"));
    if (!element) return;
    event.preventDefault();
    land(element);
  });
})();
