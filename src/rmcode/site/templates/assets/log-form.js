// The Log a session form: builds checkins/<pair>/<date>-<login>.yaml in the page, seals the
// fields the program seals with age (window.rmcodeAge from age.js, vendored typage) to the
// program team's public keys, and links to GitHub's new-file page prefilled with the result.
// Plain text of a sealed field never leaves the browser: only the armored message is put in
// the link. Prefill with ?pair=...&author=...&date=YYYY-MM-DD (the pairs pages link here).
(function () {
  "use strict";

  var root = document.getElementById("log-form");
  if (!root || !window.rmcodeAge) { return; }
  var form = root.querySelector("form");
  var errorBox = root.querySelector(".rm-log-error");
  var result = root.querySelector(".rm-log-result");
  var recipients = JSON.parse(root.getAttribute("data-recipients") || "[]");
  var sealed = JSON.parse(root.getAttribute("data-sealed") || "[]");
  var ORDER = ["pair", "date", "author", "held", "minutes", "topics", "goals", "rating", "good_fit",
               "next_steps", "notes", "concern"];
  var PROGRESS = ["started", "progressing", "achieved"];

  function field(name) { return form.elements.namedItem(name); }

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  // ?pair=&author=&date= fill the form; a value the field's pattern refuses is ignored
  function prefill() {
    var params = new URLSearchParams(window.location.search);
    field("date").value = today();
    ["pair", "author", "date"].forEach(function (name) {
      var value = params.get(name);
      if (value === null) { return; }
      var input = field(name);
      var previous = input.value;
      input.value = value.slice(0, 80);
      if (!input.checkValidity()) { input.value = previous; }
    });
  }

  // A YAML double-quoted scalar: JSON's escapes are YAML's, plus the characters YAML reads as breaks.
  function quoted(text) {
    return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  // The canonical JSON rmcode seals (sorted keys, no spaces), so a rating stays a number.
  function canonical(value) {
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function scalar(value) { return typeof value === "string" ? quoted(value) : String(value); }

  function yamlEntry(key, value) {
    if (typeof value === "string" && value.indexOf("-----BEGIN AGE ENCRYPTED FILE-----") === 0) {
      return key + ": |\n" + value.trim().split("\n").map(function (l) { return "  " + l; }).join("\n") + "\n";
    }
    if (Array.isArray(value)) {
      return key + ":\n" + value.map(function (item) {
        if (typeof item !== "object") { return "  - " + scalar(item) + "\n"; }
        return Object.keys(item).map(function (k, i) {
          return (i === 0 ? "  - " : "    ") + k + ": " + scalar(item[k]) + "\n";
        }).join("");
      }).join("");
    }
    if (value !== null && typeof value === "object") {
      return key + ":\n" + Object.keys(value).map(function (k) {
        return "  " + k + ": " + scalar(value[k]) + "\n";
      }).join("");
    }
    return key + ": " + scalar(value) + "\n";
  }

  function goals(text) {
    return text.split("\n").filter(function (l) { return l.trim(); }).map(function (line) {
      var at = line.indexOf(":");
      var goal = at < 0 ? "" : line.slice(0, at).trim();
      var progress = at < 0 ? "" : line.slice(at + 1).trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(goal) || PROGRESS.indexOf(progress) < 0) {
        throw new Error("Goal progress: write 'goal-id: started', 'progressing' or 'achieved', not '" +
                        line.slice(0, 60) + "'");
      }
      return {goal: goal, progress: progress};
    });
  }

  // The check-in as data, in the schema's order; empty answers are left out.
  function collect() {
    var invalid = Array.prototype.filter.call(form.elements, function (el) {
      return el.willValidate && !el.checkValidity();
    });
    if (invalid.length) {
      var label = form.querySelector("label[for='" + invalid[0].id + "']");
      invalid[0].focus();
      throw new Error((label ? label.textContent : invalid[0].name) + ": " + invalid[0].validationMessage);
    }
    var data = {pair: field("pair").value.trim(), date: field("date").value, author: field("author").value.trim()};
    if (!field("held").checked) { data.held = false; }
    data.minutes = parseInt(field("minutes").value, 10);
    var topics = Array.prototype.filter.call(form.querySelectorAll("input[name='topics']"), function (el) {
      return el.checked;
    }).map(function (el) { return el.value; });
    if (topics.length) { data.topics = topics; }
    var progress = goals(field("goals").value);
    if (progress.length) { data.goals = progress; }
    if (field("rating").value) { data.rating = parseInt(field("rating").value, 10); }
    if (field("good_fit").value) { data.good_fit = field("good_fit").value === "yes"; }
    ["next_steps", "notes"].forEach(function (name) {
      var text = field(name).value.trim();
      if (text) { data[name] = text; }
    });
    var concern = field("concern").value.trim();
    if (concern) { data.concern = {level: field("concern_level").value, note: concern}; }
    return data;
  }

  async function build(data) {
    var text = root.getAttribute("data-schema") + "\n";
    for (var i = 0; i < ORDER.length; i += 1) {
      var key = ORDER[i];
      if (!(key in data)) { continue; }
      var value = data[key];
      if (sealed.indexOf(key) >= 0) {
        value = await window.rmcodeAge.seal(canonical(value), recipients);
      }
      text += yamlEntry(key, value);
    }
    return text;
  }

  function show(filename, text) {
    var url = root.getAttribute("data-new-url") + "?filename=" + encodeURIComponent(filename) +
              "&value=" + encodeURIComponent(text);
    result.querySelector(".rm-log-filename").textContent = filename;
    result.querySelector(".rm-log-preview code").textContent = text;
    var open = result.querySelector(".rm-log-open");
    open.href = url;
    result.hidden = false;
    open.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    result.hidden = true;
    var data;
    try {
      data = collect();
    } catch (err) {
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      return;
    }
    build(data).then(function (text) {
      show("checkins/" + data.pair + "/" + data.date + "-" + data.author + ".yaml", text);
    }, function (err) {
      errorBox.textContent = "Could not seal the answers in this browser (" + err.message +
                             "); nothing was sent. Use the command line instead.";
      errorBox.hidden = false;
    });
  });

  prefill();
  root.hidden = false;
}());
