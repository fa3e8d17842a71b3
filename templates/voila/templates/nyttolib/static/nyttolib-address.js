// Keep the browser's address in step with what the page shows. A form whose assessment has been saved
// says so with <span data-nyttolib-address="?id=…"> (widget HTML from the kernel); the address then
// becomes that, without a reload, so that F5 and bookmarks open the same assessment.
(function () {
  "use strict";
  function follow() {
    var marker = document.querySelector("[data-nyttolib-address]");
    if (!marker) {
      return;
    }
    var target = new URL(marker.getAttribute("data-nyttolib-address"), window.location.href);
    if (target.origin === window.location.origin && target.href !== window.location.href) {
      window.history.replaceState(window.history.state, "", target.href);
    }
  }
  new MutationObserver(follow).observe(document.documentElement, { childList: true, subtree: true });
})();
