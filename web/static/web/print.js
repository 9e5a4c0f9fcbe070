// The receipt page's Print button: print the framed PDF (or, failing that, open it).
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (!button) return;
  button.addEventListener("click", function () {
    var frame = document.getElementById(button.getAttribute("data-frame"));
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } catch (error) {
      window.open(frame.src, "_blank");
    }
  });
})();
