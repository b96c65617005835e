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

// Pair pages: the "Log a session" links carry the build's date; use the reader's today.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var now = new Date();
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  Array.prototype.forEach.call(document.querySelectorAll("a.rm-log, a.rm-log-github"), function (link) {
    var asOf = link.getAttribute("data-as-of");
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (link.classList.contains("rm-log")) {
      url.searchParams.set("date", today);
    } else {
      var filename = url.searchParams.get("filename") || "";
      var value = url.searchParams.get("value") || "";
      url.searchParams.set("filename", filename.replace("/" + asOf + "-", "/" + today + "-"));
      url.searchParams.set("value", value.replace("date: '" + asOf + "'", "date: '" + today + "'"));
    }
    link.setAttribute("href", url.toString());
  });
  Array.prototype.forEach.call(document.querySelectorAll(".rm-due[data-due]"), function (due) {
    if (due.getAttribute("data-due") < today && !due.classList.contains("rm-overdue")) {
      due.classList.add("rm-overdue");
      due.appendChild(document.createTextNode(" (overdue)"));
    }
  });
}());
