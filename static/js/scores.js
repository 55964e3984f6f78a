// Live scores on a CRF section page (docs/live-scores.md). The form marked
// data-live-scores-url is posted as it is filled in; the server answers the
// #live-scores box, computed by its calculators. No scoring happens here.
(function () {
  "use strict";

  var form = document.querySelector("form[data-live-scores-url]");
  if (!form) return;
  var url = form.getAttribute("data-live-scores-url");
  var DELAY_MS = 300; // after the last keystroke or change
  var timer = null;
  var sent = 0; // requests sent so far, numbering them
  var shown = 0; // the number of the request whose answer is on the page

  function box() {
    return document.getElementById("live-scores");
  }

  function failed() {
    var current = box();
    var note = current && current.querySelector("[data-live-scores-failed]");
    if (note) note.hidden = false;
  }

  function show(number, html) {
    // An answer overtaken by a later one already shown is dropped.
    if (number <= shown) return;
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-scores");
    var current = box();
    if (!fresh || !current) return failed(); // e.g. the login page, once the session has expired
    shown = number;
    // The content changes, not the box: a live region replaced whole is not announced.
    current.innerHTML = fresh.innerHTML;
  }

  function refresh() {
    timer = null;
    var number = ++sent;
    fetch(url, {
      method: "POST",
      body: new FormData(form), // with the form's CSRF token
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        show(number, html);
      })
      .catch(function () {
        if (number > shown) failed();
      });
  }

  function later() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
