/*
 * Progress of an export of indicators (docs/indicateurs-exports.md), stats/export_status.html.
 *
 * While the file is being built, the status block ([data-export-status] with data-running) is fetched again
 * from the same page every data-interval seconds and put in place of the current one, inside a polite live
 * region: the progress bar moves, and once the file is ready (or failed) its link (or its cause) appears and
 * the polling stops. No page reload (a reload every few seconds moves a screen reader back to the top:
 * WCAG 2.2.1). Without JavaScript, the page has a link to refresh it by hand.
 */
(function () {
  "use strict";

  var holder = document.querySelector("[data-export-status]");
  if (!holder || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = parseInt(holder.getAttribute("data-interval"), 10) || 3;
  var failures = 0;

  function poll() {
    window
      .fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("[data-export-status]");
        if (!fresh) {
          return;
        }
        holder.innerHTML = fresh.innerHTML;
        failures = 0;
        if (fresh.querySelector("[data-running]")) {
          window.setTimeout(poll, seconds * 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, seconds * 1000 * failures);
        }
      });
  }

  if (holder.querySelector("[data-running]")) {
    window.setTimeout(poll, seconds * 1000);
  }
})();
