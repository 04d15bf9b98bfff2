/* Keep the section when switching language: every language has the same section anchors
   (they come from the English source), so the fragment is valid on the other page too. */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.sb-lang-link") : null;
  if (link && window.location.hash) {
    link.href = link.href.split("#")[0] + window.location.hash;
  }
}, true);
