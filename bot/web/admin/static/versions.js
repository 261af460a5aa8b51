// The trainer page's versions (/admin/trainer/versjoner): while a training waits or runs, fetch the
// page every 5 seconds and update the training's status in place (an aria-live region); when it has
// finished, load the page again to show the new version's evaluation.
(function () {
  "use strict";
  var section = document.getElementById("training");
  if (!section || section.getAttribute("data-active") !== "1") return;
  var EVERY = 5000;
  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("training");
        if (!fresh) { setTimeout(poll, EVERY); return; }
        if (fresh.getAttribute("data-active") !== "1") { window.location.replace(window.location.pathname); return; }
        section.innerHTML = fresh.innerHTML;
        setTimeout(poll, EVERY);
      })
      .catch(function () { setTimeout(poll, EVERY); });
  }
  setTimeout(poll, EVERY);
})();
