// Intake steps: save the draft as the advocate types, to the server only. Nothing is put in the
// browser's storage: shelters share computers, and what a browser keeps is readable by the next
// person (DOMAIN: users). Without JavaScript the "Save draft" buttons save as before.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-autosave-status]");
  var DELAY = 1500;
  var timer = null;
  var dirty = false; // typed since the last save the server accepted in full
  var inflight = null; // the running save's promise
  var again = false; // typed while a save was running
  var submitting = false;

  // The status texts come translated from the page (step.html's data-text-* attributes); the
  // English here is only the fallback of a page that does not carry them.
  function phrase(name, fallback, savedAt) {
    var value = (status && status.dataset["text" + name]) || fallback;
    return value.replace("%(time)s", savedAt || "");
  }

  function say(text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("text-danger", !!isError);
  }

  function clearErrors() {
    form.querySelectorAll("[data-autosave-error]").forEach(function (el) {
      el.remove();
    });
    form.querySelectorAll(".is-invalid[data-autosave-invalid]").forEach(function (el) {
      el.classList.remove("is-invalid");
      el.removeAttribute("data-autosave-invalid");
    });
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (name) {
      var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      var message = document.createElement("div");
      message.className = "invalid-feedback d-block";
      message.setAttribute("data-autosave-error", "");
      message.textContent = errors[name].join(" ");
      if (!inputs.length) {
        form.prepend(message);
        return;
      }
      inputs.forEach(function (input) {
        if (!input.classList.contains("is-invalid")) {
          input.classList.add("is-invalid");
          input.setAttribute("data-autosave-invalid", "");
        }
      });
      var last = inputs[inputs.length - 1];
      var anchor = last.closest(".form-check") || last;
      anchor.insertAdjacentElement("afterend", message);
    });
  }

  function payload() {
    var data = new FormData(form);
    data.delete("go");
    // A file is chosen, not typed: files are sent only by the step's own buttons.
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      data.delete(input.name);
    });
    return data;
  }

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function save() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (inflight) {
      // Typed while a save runs: one more save follows it, and the promise covers both.
      again = again || dirty;
      return inflight;
    }
    if (!dirty) {
      return Promise.resolve(true);
    }
    dirty = false;
    say(phrase("Saving", "Saving…"), false);
    inflight = fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: payload(),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return { ok: response.ok, data: data };
          });
      })
      .then(function (result) {
        var data = result.data || {};
        var errors = data.errors || {};
        var hasErrors = Object.keys(errors).length > 0;
        if (result.ok && data.saved_at) {
          if (hasErrors) {
            dirty = true;
            showErrors(errors);
            say(
              phrase(
                "Savedpartly",
                "Saved at %(time)s, except the answers marked below: correct them and they will be saved.",
                data.saved_at
              ),
              true
            );
          } else {
            clearErrors();
            say(phrase("Saved", "Saved at %(time)s", data.saved_at), false);
          }
        } else {
          dirty = true;
          if (hasErrors) {
            showErrors(errors);
          }
          say(phrase("Failed", "Not saved: what you typed is still here. Use \u201cSave draft\u201d or try again."), true);
        }
        return !dirty;
      })
      .catch(function () {
        dirty = true;
        say(phrase("Offline", "Not saved (no connection?): what you typed is still here. Use \u201cSave draft\u201d when you are back online."), true);
        return false;
      })
      .then(function (saved) {
        inflight = null;
        if (again) {
          again = false;
          dirty = true;
          return save();
        }
        return saved;
      });
    return inflight;
  }

  function changed(event) {
    if (submitting || (event.target && event.target.type === "file")) {
      return;
    }
    dirty = true;
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () {
    if (dirty && !submitting) {
      save();
    }
  });
  form.addEventListener("submit", function () {
    // The step's own buttons save everything; nothing is left to autosave or warn about.
    submitting = true;
    if (timer) {
      clearTimeout(timer);
    }
  });

  // Step links, "Leave the form", the menu: save first, then go. If the save fails the
  // navigation still happens, and the leave warning below asks first.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || link.target === "_blank") {
      return;
    }
    if (!dirty && !inflight) {
      return;
    }
    event.preventDefault();
    save().then(function () {
      window.location.href = link.href;
    });
  });

  // Back, closing the tab, reloading: warn while something typed is not saved.
  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!dirty && !inflight)) {
      return;
    }
    if (timer && navigator.sendBeacon) {
      // A change still waiting for its delay: send it now; the warning stays, as the answer
      // cannot be awaited here.
      clearTimeout(timer);
      timer = null;
      navigator.sendBeacon(url, payload());
    }
    event.preventDefault();
    event.returnValue = "";
  });
})();
