// Victim step: the name's order follows the preferred language until the advocate picks the
// order that is not the language's custom. Without JavaScript the server does the same when
// the step is saved (certifications/forms/names.py).
(function () {
  "use strict";
  var language = document.querySelector("[data-family-first]");
  if (!language) {
    return;
  }
  var familyFirst = language.getAttribute("data-family-first").split(" ");

  function customFor(code) {
    return familyFirst.indexOf(code) >= 0 ? "family_first" : "given_first";
  }

  var previous = language.value;
  language.addEventListener("change", function () {
    var checked = document.querySelector("input[name='victim_name_order']:checked");
    // An order the advocate chose against the old language's custom stays as chosen.
    if (!checked || checked.value === customFor(previous)) {
      var next = document.querySelector(
        "input[name='victim_name_order'][value='" + customFor(language.value) + "']"
      );
      if (next && !next.checked) {
        next.checked = true;
        next.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    previous = language.value;
  });
})();
