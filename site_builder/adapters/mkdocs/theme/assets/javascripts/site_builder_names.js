/* Code navigation on a side-by-side page (no framework, no request but the page's own card file).

   Names in the code:  click or Enter marks every use of the same binding on the page (names
   linked to one definition share data-d; other names match by text); again, or Esc, clears.
   Shift+click / Shift+Enter follows the link to the definition; Ctrl/Cmd/middle click opens
   it in a new tab as any link does. Without this script the links simply navigate.
   Cards: hovering or focusing a linked name shows a role="tooltip" card (aria-describedby)
   with the definition's signature and the first paragraph of its notes in the page's
   language, from <page>.names.json (data-sb-cards), fetched once on first use. The card sits
   below the name, or above it when there is more room there, inside the viewport, and never
   over the name itself.
   Math: clicking an identifier in an equation (with its sub- and superscripts) marks the
   same symbol in every equation of the page. */
(function () {
  "use strict";
  var page = document.querySelector(".sb-page");
  if (!page) {
    return;
  }
  var NAME_SELECTOR = ".sb-code a.sb-n, .sb-code span.n, .sb-code span.nf, .sb-code span.nc, .sb-code span.fm";
  var SCRIPTS = { msub: 1, msup: 1, msubsup: 1, mover: 1, munder: 1, munderover: 1 };
  var marked = null;          /* the key of what is marked, or null */
  var cards = null;           /* a Promise of the card file's JSON */
  var card = null;            /* the tooltip element */
  var cardOwner = null;       /* the name the card describes */
  var hideTimer = 0;

  /* --- marking ------------------------------------------------------------------------- */

  function nameKey(element) {
    return element.hasAttribute("data-d") ? "d:" + element.getAttribute("data-d")
      : "t:" + element.textContent;
  }

  function clearMarks() {
    var old = page.querySelectorAll(".sb-marked");
    for (var i = 0; i < old.length; i++) {
      old[i].classList.remove("sb-marked");
    }
    marked = null;
  }

  function markNames(key) {
    clearMarks();
    var names = page.querySelectorAll(NAME_SELECTOR);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      /* An unlinked name matches by text, but never a linked one: that is another binding. */
      if (nameKey(name) === key) {
        name.classList.add("sb-marked");
      }
    }
    marked = key;
  }

  /* --- math symbols -------------------------------------------------------------------- */

  function isScript(element) {
    return element && SCRIPTS[element.localName] === 1;
  }

  function hasIdentifierBase(script) {
    var base = script.firstElementChild;
    return !!base && (base.localName === "mi" || !!base.querySelector("mi"));
  }

  /* The symbol an <mi> belongs to: the identifier with its scripts (u_i, W_ij, u-hat_j|i). */
  function symbolOf(mi) {
    var node = mi;
    for (;;) {
      var parent = node.parentElement;
      if (!parent || parent.localName === "math") {
        return node;
      }
      if (parent.localName === "mrow" && parent.childElementCount === 1) {
        node = parent;
      } else if (isScript(parent) && hasIdentifierBase(parent)) {
        node = parent;
      } else {
        return node;
      }
    }
  }

  function canonical(node) {
    if (node.localName === "mrow" && node.childElementCount === 1) {
      return canonical(node.firstElementChild);
    }
    if (!node.childElementCount) {
      return node.localName + "(" + node.textContent.trim() + ")";
    }
    var parts = [];
    for (var child = node.firstElementChild; child; child = child.nextElementSibling) {
      parts.push(canonical(child));
    }
    return node.localName + "(" + parts.join(",") + ")";
  }

  function markSymbol(key) {
    clearMarks();
    var seen = [];
    var identifiers = page.querySelectorAll("math mi");
    for (var i = 0; i < identifiers.length; i++) {
      var symbol = symbolOf(identifiers[i]);
      if (seen.indexOf(symbol) < 0 && canonical(symbol) === key) {
        seen.push(symbol);
        symbol.classList.add("sb-marked");
      }
    }
    marked = "m:" + key;
  }

  /* --- the card ------------------------------------------------------------------------ */

  function loadCards() {
    var url = page.getAttribute("data-sb-cards");
    if (!url) {
      return Promise.resolve(null);
    }
    if (!cards) {
      cards = fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }
    return cards;
  }

  function cardElement() {
    if (!card) {
      card = document.createElement("div");
      card.id = "sb-card";
      card.className = "sb-card md-typeset";
      card.setAttribute("role", "tooltip");
      card.hidden = true;
      card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      card.addEventListener("mouseleave", scheduleHide);
      document.body.appendChild(card);
    }
    return card;
  }

  function fillCard(element, data, entry, link) {
    element.textContent = "";
    var signature = document.createElement("code");
    signature.className = "sb-card-sig";
    signature.textContent = entry.s;
    element.appendChild(signature);
    if (entry.w) {
      var where = document.createElement("div");
      where.className = "sb-card-where";
      where.textContent = entry.w;
      element.appendChild(where);
    }
    var paragraph = entry.p >= 0 ? data.paras[entry.p] : null;
    if (paragraph) {
      var notes = document.createElement("div");
      notes.className = "sb-card-notes";
      if (paragraph.l) {
        notes.setAttribute("lang", paragraph.l);
      }
      notes.innerHTML = paragraph.h;  /* our own build output, from the same origin */
      element.appendChild(notes);
    }
    var foot = document.createElement("div");
    foot.className = "sb-card-foot";
    var go = document.createElement("a");
    go.href = link.getAttribute("href");
    go.tabIndex = -1;  /* a tooltip holds no tab stop: Shift+Enter on the name does this */
    go.textContent = (data.ui && data.ui.go_to_definition) || "Go to definition";
    foot.appendChild(go);
    if (data.ui && data.ui.names_hint) {
      var hint = document.createElement("span");
      hint.className = "sb-card-hint";
      hint.textContent = data.ui.names_hint;
      foot.appendChild(hint);
    }
    element.appendChild(foot);
  }

  /* Below the name, or above when there is more room there; clamped to the viewport. */
  function placeCard(element, link) {
    var gap = 6;
    var margin = 8;
    var viewport = document.documentElement;
    var width = viewport.clientWidth;
    var height = viewport.clientHeight;
    var rect = link.getBoundingClientRect();
    element.style.maxWidth = Math.min(448, width - 2 * margin) + "px";
    element.style.maxHeight = "none";
    element.style.left = "0px";
    element.style.top = "0px";
    var below = height - rect.bottom - gap - margin;
    var above = rect.top - gap - margin;
    var natural = element.offsetHeight;
    var downwards = natural <= below || below >= above;
    var room = Math.max(downwards ? below : above, 40);
    element.style.maxHeight = room + "px";
    var cardHeight = Math.min(natural, room);
    var left = Math.min(Math.max(rect.left, margin), width - element.offsetWidth - margin);
    element.style.left = Math.max(left, margin) + "px";
    element.style.top = (downwards ? rect.bottom + gap : rect.top - gap - cardHeight) + "px";
  }

  function showCard(link) {
    clearTimeout(hideTimer);
    if (cardOwner === link && card && !card.hidden) {
      return;
    }
    loadCards().then(function (data) {
      var entry = data && data.defs && data.defs[link.getAttribute("data-d")];
      if (!entry || (cardOwner !== link && document.activeElement !== link && !link.matches(":hover"))) {
        return;
      }
      var element = cardElement();
      if (cardOwner && cardOwner !== link) {
        cardOwner.removeAttribute("aria-describedby");
      }
      fillCard(element, data, entry, link);
      element.hidden = false;
      placeCard(element, link);
      link.setAttribute("aria-describedby", element.id);
      cardOwner = link;
    });
    cardOwner = link;
  }

  function hideCard() {
    clearTimeout(hideTimer);
    if (card) {
      card.hidden = true;
    }
    if (cardOwner) {
      cardOwner.removeAttribute("aria-describedby");
    }
    cardOwner = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideCard, 250);  /* time to move the pointer onto the card */
  }

  /* --- events -------------------------------------------------------------------------- */

  function linkedName(target) {
    var link = target && target.closest ? target.closest("a.sb-n") : null;
    return link && page.contains(link) ? link : null;
  }

  page.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.altKey) {
      return;  /* new tab, new window, download: the browser's own */
    }
    var target = event.target;
    var name = target.closest ? target.closest(NAME_SELECTOR) : null;
    if (name && page.contains(name)) {
      if (event.shiftKey && name.matches("a.sb-n")) {
        event.preventDefault();
        hideCard();
        window.location.assign(name.href);
        return;
      }
      event.preventDefault();
      var key = nameKey(name);
      if (marked === key) {
        clearMarks();
      } else {
        markNames(key);
      }
      return;
    }
    var mi = target.closest ? target.closest("math mi") : null;
    if (mi && page.contains(mi)) {
      var symbol = canonical(symbolOf(mi));
      if (marked === "m:" + symbol) {
        clearMarks();
      } else {
        markSymbol(symbol);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      hideCard();
      clearMarks();
    }
  });

  page.addEventListener("mouseover", function (event) {
    var link = linkedName(event.target);
    if (link) {
      showCard(link);
    }
  });
  page.addEventListener("mouseout", function (event) {
    var link = linkedName(event.target);
    if (link && !link.contains(event.relatedTarget)) {
      scheduleHide();
    }
  });
  page.addEventListener("focusin", function (event) {
    var link = linkedName(event.target);
    if (link) {
      showCard(link);
    }
  });
  page.addEventListener("focusout", function (event) {
    if (linkedName(event.target)) {
      hideCard();
    }
  });
  window.addEventListener("scroll", function () {
    if (cardOwner && card && !card.hidden && document.activeElement !== cardOwner) {
      hideCard();
    } else if (cardOwner && card && !card.hidden) {
      placeCard(card, cardOwner);
    }
  }, { passive: true });
})();
