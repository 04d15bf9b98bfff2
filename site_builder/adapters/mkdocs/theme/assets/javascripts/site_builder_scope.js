/* Material's storage helpers, which its bundle and its inline scripts call as globals:
   __md_scope  the site's root URL (from this script's data-sb-scope, the page's base URL);
   __md_hash   a 32-bit string hash (over code points, as Material computes it);
   __md_get    a JSON value stored for this site under a key (localStorage by default);
   __md_set    store one, ignoring a full or disabled storage.
   Served as a file so the page's Content-Security-Policy needs no per-page hash. */
(function () {
  "use strict";
  var script = document.currentScript;
  var scope = new URL(script ? script.getAttribute("data-sb-scope") || "." : ".", location);

  function hash(text) {
    var value = 0;
    for (var character of text) {
      value = (value << 5) - value + character.charCodeAt(0);
    }
    return value;
  }

  function get(key, storage, base) {
    storage = storage === undefined ? localStorage : storage;
    base = base === undefined ? window.__md_scope : base;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  }

  function set(key, value, storage, base) {
    try {
      storage = storage === undefined ? localStorage : storage;
      base = base === undefined ? window.__md_scope : base;
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (error) {
      /* storage full or disabled: the preference is simply not kept */
    }
  }

  window.__md_scope = scope;
  window.__md_hash = hash;
  window.__md_get = get;
  window.__md_set = set;
})();
