// fazhi's own page behaviour, loaded by base.html on every page. The Content-Security-Policy
// allows no inline script, no on*= handler and no style="..." attribute (docs/architecture.md
// "Security headers"), so what a template once did inline is done here from data- attributes:
//
//   <select data-autosubmit>        submits its form when the choice changes (unit and year switcher)
//   <div data-width="42">           width: 42% (progress bars; set through the CSSOM, which CSP allows)
//   <a href="../" data-back>        goes back in the history (a form's 取消); the href serves without it
(function () {
  "use strict";

  function autosubmit(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      if (el.dataset.autosubmitBound) return;
      el.dataset.autosubmitBound = "1";
      el.addEventListener("change", function () {
        if (el.form) el.form.submit();
      });
    });
  }

  function widths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var n = parseFloat(el.dataset.width);
      if (isFinite(n)) el.style.width = Math.max(0, Math.min(100, n)) + "%";
    });
  }

  function setup(root) {
    autosubmit(root);
    widths(root);
  }

  document.addEventListener("click", function (evt) {
    var a = evt.target.closest && evt.target.closest("a[data-back]");
    if (!a || window.history.length < 2) return;
    evt.preventDefault();
    window.history.back();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setup(document); });
  } else {
    setup(document);
  }
  // content htmx swaps in gets the same behaviour
  document.addEventListener("htmx:load", function (evt) { setup(evt.target); });
})();
