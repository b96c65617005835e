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

// Details on demand (the dashboard): collapsed in the page, so a phone shows one row per
// KPI or chart; opened on a wide screen, and whenever a link points at one.
(function () {
  "use strict";
  var more = Array.prototype.slice.call(document.querySelectorAll("details.rm-more"));
  if (!more.length) { return; }
  if (window.matchMedia && window.matchMedia("(min-width: 45em)").matches) {
    more.forEach(function (d) { d.open = true; });
  }
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.closest("details.rm-more");
    if (details && !details.open) {
      details.open = true;
      details.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
}());

// Pair pages. The pair id (made of logins) is never printed on the site: it arrives in the
// page's fragment (#pair=...) from the private e-mail or the "Find your pair" box, is checked
// against the page's token, then fills the "Log a session" links with the reader's today.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var now = new Date();
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

  function token(program, pairId) {
    var bytes = new TextEncoder().encode(program + ":" + pairId);
    return window.crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      }).join("").slice(0, 16);
    });
  }
  function sides(pairId) {
    var parts = pairId.split("--");
    return parts.length === 2 && LOGIN.test(parts[0]) && LOGIN.test(parts[1]) ? parts : null;
  }

  Array.prototype.forEach.call(document.querySelectorAll(".rm-due[data-due]"), function (due) {
    if (due.getAttribute("data-due") < today && !due.classList.contains("rm-overdue")) {
      due.classList.add("rm-overdue");
      due.appendChild(document.createTextNode(" (overdue)"));
    }
  });

  // the Pairs page: an id typed in opens that pair's page
  var find = document.querySelector(".rm-pair-find");
  if (find && window.crypto && window.crypto.subtle) {
    var input = find.querySelector("input");
    var result = find.querySelector(".rm-pair-find-result");
    find.hidden = false;
    find.addEventListener("submit", function (event) {
      event.preventDefault();
      var pairId = input.value.trim();
      if (!sides(pairId)) {
        result.textContent = "A pair id is the mentor's login, two hyphens and the mentee's login.";
        return;
      }
      token(input.getAttribute("data-program"), pairId).then(function (t) {
        var href = "pairs/" + t + ".html";
        if (!document.querySelector('a[href="' + href + '"]')) {
          result.textContent = "No pair with this id is listed here.";
          return;
        }
        window.location.href = href + "#pair=" + encodeURIComponent(pairId);
      });
    });
  }

  // a pair's page: fill in the id and the links once the id matches the page
  var pair = document.querySelector(".rm-pair[data-token]");
  var match = /(?:^#|&)pair=([^&]+)/.exec(window.location.hash);
  if (!pair || !match || !window.crypto || !window.crypto.subtle) { return; }
  var pairId = decodeURIComponent(match[1]);
  var logins = sides(pairId);
  if (!logins) { return; }
  token(pair.getAttribute("data-program"), pairId).then(function (t) {
    if (t !== pair.getAttribute("data-token")) { return; }
    var shown = pair.querySelector(".rm-pair-id");
    shown.querySelector("code").textContent = pairId;
    shown.hidden = false;
    var box = document.querySelector(".rm-log-buttons");
    var github = box && box.getAttribute("data-github");
    var marks = box ? (box.getAttribute("data-placeholders") || "").split(" ") : [];
    Array.prototype.forEach.call(document.querySelectorAll("a.rm-log, a.rm-log-github"), function (link) {
      var author = logins[link.getAttribute("data-role") === "mentor" ? 0 : 1];
      if (link.classList.contains("rm-log")) {
        link.setAttribute("href", "../log-session.html?pair=" + encodeURIComponent(pairId) + "&author=" +
          encodeURIComponent(author) + "&date=" + today);
      } else if (github && marks.length === 3) {
        var fill = function (text) { return text.split(marks[0]).join(pairId).split(marks[1]).join(author)
          .split(marks[2]).join(today); };
        var file = fill("checkins/" + marks[0] + "/" + marks[2] + "-" + marks[1] + ".yaml");
        link.setAttribute("href", github + "?filename=" + encodeURIComponent(file) + "&value=" +
          encodeURIComponent(fill(JSON.parse(box.getAttribute("data-template")))));
        link.hidden = false;
      }
    });
  });
}());
