// A job's progress bar: polls /api/v1/jobs/{id}/ every second until the job has finished.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") return;
  var holder = box.querySelector(".progress");
  var bar = box.querySelector(".progress-bar");
  var status = box.querySelector(".job-status-text");
  var message = box.querySelector(".job-message");

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) return;
        bar.style.width = job.progress + "%";
        bar.textContent = job.progress + "%";
        holder.setAttribute("aria-valuenow", job.progress);
        status.textContent = job.status_display;
        message.textContent = job.message || "";
        if (job.status === "failed") bar.classList.add("bg-danger");
        if (job.status !== "succeeded" && job.status !== "failed") window.setTimeout(poll, 1000);
      });
  }
  poll();
})();
