// Bagage's only script: small conveniences; every page works without it.
(function () {
  "use strict";

  // The main menu is a <details>: folded on narrow screens, always open where the bar has room.
  var wide = window.matchMedia("(min-width: 60em)");
  function fitMenu() {
    document.querySelectorAll("details[data-menu]").forEach(function (menu) {
      if (wide.matches) {
        menu.open = true;
      } else if (!menu.dataset.touched) {
        menu.open = false;
      }
    });
  }

  // Change the language as soon as one is chosen; the button stays for those without script.
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var button = select.form && select.form.querySelector(".lang-ok");
      if (button) button.hidden = true;
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  // Ask before what cannot be undone: <button data-confirm="Question?">.
  function confirmations() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-confirm]");
      if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fitMenu();
    document.querySelectorAll("details[data-menu] > summary").forEach(function (summary) {
      summary.addEventListener("click", function () {
        summary.parentElement.dataset.touched = "1";
      });
    });
    if (wide.addEventListener) wide.addEventListener("change", fitMenu);
    autosubmit();
    confirmations();
  });
})();
