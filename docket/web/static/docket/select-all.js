// The campaign page's "Select all on this page": a checkbox at the head of the Select column that ticks (or
// clears) every row shown. Without this script it stays hidden, and "All N recipients" below the table does
// the same for every recipient the filter leaves, through a page that asks first.
(function () {
  "use strict";
  var all = document.getElementById("select-page");
  var table = document.getElementById("recipients");
  if (!all || !table) { return; }
  var rows = table.querySelectorAll("tbody input[name='recipient']");
  if (rows.length === 0) { return; }
  all.closest("[hidden]").hidden = false;
  function shown() {
    var ticked = Array.prototype.filter.call(rows, function (box) { return box.checked; }).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  }
  all.addEventListener("change", function () {
    rows.forEach(function (box) { box.checked = all.checked; });
  });
  rows.forEach(function (box) { box.addEventListener("change", shown); });
  shown();
})();
