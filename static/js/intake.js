// Intake form: when the county changes, put the directory's suggestions for that county at the
// top of the agency list. Without JavaScript the suggestions follow the saved county. The list's
// words come translated with the suggestions (`AgencyChoiceField.group_labels`).
(function () {
  "use strict";
  var county = document.querySelector("[data-county-select]");
  var agency = document.querySelector("[data-suggestions-url]");
  if (!county || !agency) {
    return;
  }

  function optionsFor(items) {
    return items.map(function (item) {
      var option = document.createElement("option");
      option.value = String(item.id);
      option.textContent = item.name;
      return option;
    });
  }

  function rebuild(data) {
    var selected = agency.value;
    var all = [];
    agency.querySelectorAll("option").forEach(function (option) {
      if (option.value) {
        all.push({ id: option.value, name: option.textContent });
      }
    });
    var seen = {};
    all = all.filter(function (item) {
      if (seen[item.id]) {
        return false;
      }
      seen[item.id] = true;
      return true;
    });
    var suggested = {};
    data.agencies.forEach(function (item) {
      suggested[String(item.id)] = true;
    });
    agency.replaceChildren();
    var empty = document.createElement("option");
    empty.value = "";
    empty.textContent = data.labels.empty;
    agency.appendChild(empty);
    if (data.agencies.length) {
      var group = document.createElement("optgroup");
      group.label = data.labels.suggested;
      optionsFor(data.agencies).forEach(function (o) { group.appendChild(o); });
      agency.appendChild(group);
    }
    var rest = document.createElement("optgroup");
    rest.label = data.agencies.length ? data.labels.all : data.labels.agencies;
    optionsFor(all.filter(function (item) { return !suggested[item.id]; }))
      .sort(function (a, b) { return a.textContent.localeCompare(b.textContent); })
      .forEach(function (o) { rest.appendChild(o); });
    agency.appendChild(rest);
    agency.value = selected;
  }

  county.addEventListener("change", function () {
    var url = agency.getAttribute("data-suggestions-url") + "&county=" + encodeURIComponent(county.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { rebuild(data); } })
      .catch(function () { /* suggestions are a convenience; the full list stays usable */ });
  });
})();
