/* nyttolib: the landmarks ipywidgets cannot declare (a Box has no ARIA attributes, and Box.tooltip breaks its
 * view in ipywidgets 8.1). The row of step buttons (class nyttolib-nav) becomes a navigation landmark, named
 * after the page it belongs to. */
(function () {
  "use strict";

  var NAMES = [
    ["nyttolib-form", "Steg i bedömningen"],
    ["nyttolib-answers", "Delar av enkäten"],
    ["nyttolib-facilitator", "Ledarvyns delar"],
    ["nyttolib-portfolio", "Portföljens delar"],
  ];

  function sync() {
    document.querySelectorAll(".nyttolib-nav:not([role])").forEach(function (nav) {
      for (var i = 0; i < NAMES.length; i++) {
        if (nav.closest("." + NAMES[i][0])) {
          nav.setAttribute("role", "navigation");
          nav.setAttribute("aria-label", NAMES[i][1]);
          return;
        }
      }
    });
  }

  new MutationObserver(sync).observe(document.documentElement, { subtree: true, childList: true });
  sync();
})();
