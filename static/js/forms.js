/* Every form page: the error summary takes the focus when the page opens (autofocus does it where
   the browser honours it on a box), and each of its links moves the focus to its field. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    event.preventDefault();
    var around = target.closest("fieldset, .field") || target;
    around.scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
