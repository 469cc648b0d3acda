// The letter editor: line numbers beside the template's lines (which wrap), and the list of
// what a letter can use, each with a button that puts it in the template at the cursor.
(function () {
  var editor = document.getElementById("id_template_source");
  var gutter = document.getElementById("gutter");
  if (!editor || !gutter) { return; }

  // A hidden copy of the text box, as wide and in the same font, measures how high each line wraps.
  var mirror = document.createElement("div");
  mirror.className = "docket-editor-mirror";
  mirror.setAttribute("aria-hidden", "true");
  editor.parentNode.appendChild(mirror);

  function number() {
    var style = window.getComputedStyle(editor);
    var inner = editor.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    mirror.style.width = inner + "px";
    var lines = editor.value.split("\n");
    mirror.textContent = "";
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line || "\u200b";
      mirror.appendChild(row);
    });
    gutter.textContent = "";
    Array.prototype.forEach.call(mirror.children, function (row, index) {
      var cell = document.createElement("div");
      cell.textContent = index + 1;
      cell.style.height = row.getBoundingClientRect().height + "px";
      gutter.appendChild(cell);
    });
    gutter.scrollTop = editor.scrollTop;
  }

  // Each "Insert" button: its snippet at the cursor (replacing any selection), then the preview updates.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-snippet]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (editor.readOnly) { return; }
      var start = editor.selectionStart, end = editor.selectionEnd;
      editor.setRangeText(button.getAttribute("data-snippet"), start, end, "end");
      editor.focus();
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // "Go to line N" in an error: select that line of the template.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-line]");
    if (!link) { return; }
    event.preventDefault();
    var wanted = parseInt(link.getAttribute("data-line"), 10), lines = editor.value.split("\n"), start = 0;
    for (var n = 1; n < wanted && n <= lines.length; n++) { start += lines[n - 1].length + 1; }
    var end = start + (lines[wanted - 1] || "").length;
    editor.focus();
    editor.setSelectionRange(start, end);
    var row = gutter.children[wanted - 1];
    if (row) { editor.scrollTop = row.offsetTop - gutter.offsetTop - 40; }
  });

  editor.addEventListener("input", number);
  editor.addEventListener("scroll", function () { gutter.scrollTop = editor.scrollTop; });
  window.addEventListener("resize", number);
  number();
})();
