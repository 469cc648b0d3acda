// Keeps the line numbers beside the letter template in step with its lines and its scrolling.
(function () {
  var editor = document.getElementById("id_template_source");
  var gutter = document.getElementById("gutter");
  if (!editor || !gutter) { return; }
  function number() {
    var count = editor.value.split("\n").length;
    var lines = [];
    for (var n = 1; n <= count; n++) { lines.push(n); }
    gutter.textContent = lines.join("\n") + "\n";
    gutter.scrollTop = editor.scrollTop;
  }
  editor.addEventListener("input", number);
  editor.addEventListener("scroll", function () { gutter.scrollTop = editor.scrollTop; });
  number();
})();
