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

  // On a phone, table rows become cards: each cell is shown with its column's name (CSS does the layout).
  // The roles keep the table readable as a table to screen readers once CSS changes its display.
  function stackTables() {
    document.querySelectorAll(".table-scroll > table").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.setAttribute("role", "table");
      table.querySelectorAll("thead, tbody").forEach(function (group) { group.setAttribute("role", "rowgroup"); });
      table.querySelectorAll("tr").forEach(function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TH") {
            cell.setAttribute("role", "columnheader");
          } else {
            cell.setAttribute("role", "cell");
            if (!cell.hasAttribute("colspan")) cell.dataset.label = names[index] || "";
            // One box for the value, beside its column's name, however many elements it holds.
            var value = document.createElement("span");
            while (cell.firstChild) value.appendChild(cell.firstChild);
            cell.appendChild(value);
          }
        });
      });
      table.classList.add("stackable");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    stackTables();
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
