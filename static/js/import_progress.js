// An import run's page while it runs (docs/exchange-format.md): asks the run's
// status every second and moves the bar; once the run has finished, reloads the
// page, which the server renders with the report. Without script the page
// reloads itself (a <noscript> refresh) and shows the same.
(function () {
  "use strict";

  var box = document.querySelector("[data-import-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");
  var state = box.querySelector("[data-import-state]");
  var POLL_MS = 1000;

  function show(status) {
    if (status.total !== null) {
      bar.max = Math.max(status.total, 1);
      bar.value = status.total ? status.done : 1;
      bar.textContent = Math.round((100 * bar.value) / bar.max) + " %";
    }
    text.textContent = status.text;
    state.textContent = status.state_label;
    state.className = "badge import-state-" + status.state;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json(); // not JSON (the login page once the session expired): reload below
      })
      .then(function (status) {
        show(status);
        if (status.finished) window.location.reload();
        else window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        window.setTimeout(function () { window.location.reload(); }, 5 * POLL_MS);
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
