// The progress bar of a bulletin's PDF job: polls /api/v1/jobs/{id}/ until it is finished,
// then reloads the page so that the download link appears.
(function () {
  "use strict";
  var box = document.getElementById("pdf-job");
  if (!box) return;
  var bar = box.querySelector(".progress-bar");
  var text = box.querySelector(".job-message");

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) return;
        bar.style.width = job.progress + "%";
        bar.setAttribute("aria-valuenow", job.progress);
        bar.textContent = job.progress + "%";
        text.textContent = job.message || "";
        if (job.status === "succeeded") {
          window.location.replace(box.dataset.done);
        } else if (job.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      });
  }
  if (box.dataset.finished !== "1") poll();
})();
