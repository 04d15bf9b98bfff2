/* Keep the section when switching language: every language has the same section anchors
   (they come from the English source), so the fragment is valid on the other page too. */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.sb-lang-link") : null;
  if (link && window.location.hash) {
    link.href = link.href.split("#")[0] + window.location.hash;
  }
}, true);

/* A box that scrolls sideways (a wide formula, table or code line on a phone) must be
   reachable by keyboard, or its hidden part can only be seen with a pointer: such a box
   without anything focusable inside joins the Tab order. Only boxes that overflow now get
   it, so a wide screen keeps one Tab stop per link, and a resize re-checks. */
(function () {
  var SCROLLERS = ".md-content .md-typeset__scrollwrap, .md-content .sb-code, " +
    ".md-content pre > code, .md-content math[display=block], .md-content .math-display";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function scrolls(box) {
    var overflow = window.getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
  }

  function update() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var ours = box.hasAttribute("data-sb-scroll");
      if (ours || !box.hasAttribute("tabindex")) {
        var needed = scrolls(box) && !box.querySelector(FOCUSABLE);
        if (needed && !ours) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-sb-scroll", "");
        } else if (!needed && ours) {
          box.removeAttribute("tabindex");
          box.removeAttribute("data-sb-scroll");
        }
      }
    });
  }

  var pending = 0;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  // Material wraps tables in their scroll box from its own script, after ours may have run.
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
})();

/* Material's search overlay is a dialog without a name; it is named after its search box
   (whose label is already in the page's language), so a screen reader announces what opened. */
(function () {
  function name() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder || "Search");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
})();

/* Material maps pages between languages by fetching sitemap.xml beside every
   <link rel=alternate> once the page has loaded, assuming those links point at each
   language's root. Ours point at the same page in each language (hreflang), so it would ask
   for e.g. capsule_networks/sitemap.xml, which does not exist: a 404 on every nested page.
   Our switcher already links the same page, so the links sit out Material's look-up: taken
   out of the head now (this script runs before DOMContentLoaded, after Material's bundle
   subscribed to it) and put back right after Material's handler has run. */
(function () {
  var links = Array.prototype.slice.call(document.querySelectorAll("link[rel=alternate][hreflang]"));
  if (!links.length || document.readyState !== "loading") {
    return;
  }
  var parked = links.map(function (link) {
    var mark = document.createComment("sb-alternate");
    link.replaceWith(mark);
    return [mark, link];
  });
  document.addEventListener("DOMContentLoaded", function () {
    parked.forEach(function (pair) {
      pair[0].replaceWith(pair[1]);
    });
  }, { once: true });
})();
