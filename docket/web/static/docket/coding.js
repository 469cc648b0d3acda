// Selecting words in a page's text fills the coding form's box (and where they are, so that
// words found more than once on the page are coded where they were selected). Without this
// script the form works the same: the words are typed or pasted.
(function () {
  "use strict";
  var text = document.getElementById("page-text");
  var quote = document.getElementById("id_quote");
  var near = document.getElementById("id_near");
  if (!text || !quote || !near) { return; }
  document.addEventListener("selectionchange", function () {
    var selection = document.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
    var before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    quote.value = selection.toString();
    near.value = String(parseInt(text.dataset.offset || "0", 10) + before.toString().length);
  });
})();
