// rmcode's small enhancements; the site works without them.
(function () {
  "use strict";

  // Material's search overlay is a dialog without a name (axe rule aria-dialog-name).
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", "Search");
  }

  // Filter the participants directory by skill. Without JavaScript the form stays
  // hidden and every card shows.
  var form = document.querySelector(".rm-filter");
  if (!form) { return; }
  var select = form.querySelector("select");
  var count = form.querySelector(".rm-count");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".rm-person"));
  function apply() {
    var skill = select.value;
    var shown = 0;
    cards.forEach(function (card) {
      var skills = (card.getAttribute("data-skills") || "").split(" ");
      var visible = !skill || skills.indexOf(skill) !== -1;
      card.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = shown + " of " + cards.length + " shown";
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  select.addEventListener("change", apply);
  form.hidden = false;
  apply();
}());
