// The progress of a coverage import on the period page: polls its status while the worker reads
// the file, and reloads the page once it is finished so that the results show. A file of its own
// (not inline): the pages' Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar) return;
  var label = document.getElementById("import-status");
  var pending = function (status) { return status === "queued" || status === "running"; };
  var waited = false;
  function poll() {
    fetch(bar.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        label.textContent = job.label;
        if (pending(job.status)) {
          waited = true;
          setTimeout(poll, 1000);
        } else if (waited) {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
