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

  // After a refused submission: a scan box that refused its code holds it selected (the next scan replaces it);
  // else the summary of every error takes the focus (its links move to each field); else the first field to
  // correct.
  function focusFirstError() {
    var scan = document.querySelector("main input[data-select-on-load]");
    if (scan) {
      scan.focus();
      scan.select();
      return;
    }
    var summary = document.querySelector("main [data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    var field = document.querySelector("main [aria-invalid=true]");
    if (field && typeof field.focus === "function") field.focus();
  }

  // A link of the error summary moves the focus to its field (a plain #anchor would only scroll), and shows the
  // field's label or group legend with it.
  function errorSummaryLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-error-summary] a[data-focus]");
      if (!link) return;
      var field = document.getElementById(link.dataset.focus);
      if (!field) return;
      event.preventDefault();
      var around = field.closest("fieldset") || field.closest(".field") || field;
      around.scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  // What was typed in a <form data-keep="key"> survives a session that expired meanwhile: the fields are
  // kept in this tab (sessionStorage) when the form is sent, and put back when the same form comes back
  // empty (after signing in again). A success message tagged "kept-<key>" forgets them.
  var KEEP = "bagage-keep:";
  function keepForms() {
    var store;
    try {
      store = window.sessionStorage;
    } catch (error) {
      return;
    }
    if (!store) return;
    document.querySelectorAll(".messages [class*='kept-']").forEach(function (message) {
      message.classList.forEach(function (name) {
        if (name.indexOf("kept-") === 0) store.removeItem(KEEP + name.slice(5));
      });
    });
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      var key = KEEP + form.dataset.keep;
      form.addEventListener("submit", function () {
        var fields = [];
        Array.prototype.forEach.call(form.elements, function (element) {
          if (!element.name || element.name === "csrfmiddlewaretoken" || element.type === "password") return;
          if (element.type === "checkbox" || element.type === "radio") {
            fields.push([element.name, element.value, element.checked]);
          } else if (element.type !== "submit" && element.type !== "file") {
            fields.push([element.name, element.value]);
          }
        });
        store.setItem(key, JSON.stringify({ at: Date.now(), fields: fields }));
      });
      // Only an empty form is filled again: a form the server sent back with errors holds its own values.
      if (form.dataset.keepBound === "1") return;
      var kept;
      try {
        kept = JSON.parse(store.getItem(key) || "null");
      } catch (error) {
        kept = null;
      }
      if (!kept || Date.now() - kept.at > 24 * 3600 * 1000) return;
      kept.fields.forEach(function (entry) {
        var name = entry[0], value = entry[1];
        Array.prototype.forEach.call(form.elements, function (element) {
          if (element.name !== name) return;
          if (element.type === "checkbox" || element.type === "radio") {
            if (element.value === value) element.checked = entry[2];
          } else if (element.type !== "hidden" || name !== "consent_version") {
            element.value = value;
          }
        });
      });
      var note = form.querySelector("[data-keep-restored]");
      if (note) note.hidden = false;
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
    keepForms();
    errorSummaryLinks();
    focusFirstError();
  });
})();
