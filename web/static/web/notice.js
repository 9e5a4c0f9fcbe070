// The information notice beside the consent box: show the translation in the language chosen in
// "Langue parlée", or the French text with a plain sentence when there is none. Without this script
// every translation stays visible. On a phone the notice starts folded, one tap away.
(function () {
  "use strict";
  var box = document.querySelector("[data-notice]");
  var select = document.getElementById("id_language");
  if (!box) {
    return;
  }
  var details = box.querySelector("[data-notice-details]");
  if (details && window.matchMedia && window.matchMedia("(max-width: 40em)").matches) {
    details.open = false;
  }
  if (!select) {
    return;
  }
  var texts = box.querySelectorAll("[data-notice-language]");
  var fallback = box.querySelector("[data-notice-fallback]");
  var name = box.querySelector("[data-notice-language-name]");
  var fallbackLanguage = box.getAttribute("data-notice-fallback-language") || "fr";

  function show() {
    var wanted = select.value;
    var translated = false;
    texts.forEach(function (text) {
      if (text.getAttribute("data-notice-language") === wanted) {
        translated = true;
      }
    });
    var shown = translated ? wanted : fallbackLanguage;
    texts.forEach(function (text) {
      text.hidden = text.getAttribute("data-notice-language") !== shown;
    });
    if (fallback) {
      fallback.hidden = translated;
    }
    if (name && select.selectedIndex >= 0) {
      name.textContent = select.options[select.selectedIndex].text;
    }
  }

  select.addEventListener("change", show);
  show();
})();
