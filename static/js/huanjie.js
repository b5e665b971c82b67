/* Site-wide behaviour without inline handlers or style attributes (the Content-Security-Policy allows
 * neither):
 *   <form data-confirm="Question?">   asks before it is submitted;
 *   <button data-print>               prints the page;
 *   <input type=checkbox data-check-all="reviews">   ticks (or unticks) every enabled checkbox named "reviews";
 *   <div class="progress" aria-valuenow="40"><div></div></div>   the bar is drawn 40% wide.
 * Listeners sit on the document and htmx:load, so content that htmx swaps in behaves the same. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (!name) return;
    document.querySelectorAll('input[type="checkbox"]').forEach(function (other) {
      if (other.name === name && !other.disabled) other.checked = box.checked;
    });
  });

  // Setting a width through the style property is allowed where a style="" attribute is not.
  function sizeBars(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".progress[aria-valuenow] > div").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.parentNode.getAttribute("aria-valuenow")) || 0));
      bar.style.width = value + "%";
    });
  }

  document.addEventListener("htmx:load", function (event) { sizeBars(event.detail.elt.parentNode || event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  } else {
    sizeBars(document);
  }
})();
