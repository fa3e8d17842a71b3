/* nyttolib: ARIA state and focus for the forms. ipywidgets has no API for ARIA attributes or for focusing a
 * heading, so Python sets CSS classes and this script mirrors them (see nyttolib/app/focus.py):
 *   .nyttolib-field > .nyttolib-control.nyttolib-invalid + .nyttolib-message
 *                      -> aria-invalid="true" and aria-describedby (the message) on the input(s)
 *   .nyttolib-current (a step button)     -> aria-current="step"
 *   .nyttolib-focus-N (N grows per request) -> focus that widget (a field's input, a button, or the
 *                                              heading inside it) and scroll it into view, once.
 *   a RadioButtons widget (.widget-radio)  -> a real radio group: its inputs share a name (one tab stop,
 *                                              arrow keys stay inside it), role="radiogroup" named by its
 *                                              label, and first by the element whose id follows
 *                                              .nyttolib-labelledby-ID (a question's heading)
 *   a label with title="null"              -> no title (ipywidgets writes its empty tooltip as "null")
 * A click on a step button (or Föregående/Nästa steg) shows "Hämtar steget …" at once: a step built
 * for the first time can take seconds on a busy server, and the page must not look dead meanwhile.
 * It goes when the new step's heading takes the focus (or after BUSY_LIMIT_MS, whatever happened).
 * A button in an HTML widget with data-nyttolib-pick="CLASS" and data-nyttolib-index="N" (the portfolio
 * table's sort buttons in its column headers, a row's "Ändra") chooses option N of the select inside the
 * widget with class CLASS, as if the user had chosen it there; then the focus goes to the select inside
 * data-nyttolib-focus-after's widget, or, when the table is redrawn, to the button with the same
 * data-nyttolib-key in the new table, so the keyboard stays where it was. */
(function () {
  "use strict";

  var FOCUS_CLASS = /(?:^|\s)nyttolib-focus-(\d+)(?:\s|$)/;
  var STEP_BUTTONS = ".nyttolib-nav button, .nyttolib-footer button";
  var BUSY_LIMIT_MS = 30000;
  var busyStatus = null;
  var busyTimer = null;
  var LABELLED_BY_CLASS = /(?:^|\s)nyttolib-labelledby-(\S+)/;
  var handledFocus = 0;
  var messages = 0;
  var radioGroups = 0;
  var scheduled = false;
  var pendingKey = null;
  var pendingFrom = null;

  function tokens(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function setDescribedBy(element, id, on) {
    var ids = tokens(element.getAttribute("aria-describedby")).filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
    else element.removeAttribute("aria-describedby");
  }

  function syncField(field) {
    var control = field.querySelector(":scope > .nyttolib-control");
    if (!control) return;
    var message = field.querySelector(":scope > .nyttolib-message");
    var invalid = !!message && control.classList.contains("nyttolib-invalid");
    if (message && !message.id) message.id = "nyttolib-message-" + (++messages);
    var group = control.querySelector("[role=radiogroup]");
    var inputs = group ? [group] : control.querySelectorAll("input, textarea, select");
    Array.prototype.forEach.call(inputs, function (input) {
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      var old = input.getAttribute("data-nyttolib-message");
      if (old && (!invalid || old !== message.id)) setDescribedBy(input, old, false);
      if (invalid) {
        setDescribedBy(input, message.id, true);
        input.setAttribute("data-nyttolib-message", message.id);
      } else {
        input.removeAttribute("data-nyttolib-message");
      }
    });
  }

  function syncFields() {
    var fields = new Set();
    document.querySelectorAll(".nyttolib-control.nyttolib-invalid, [data-nyttolib-message]").forEach(function (el) {
      var field = el.closest(".nyttolib-field");
      if (field) fields.add(field);
    });
    fields.forEach(syncField);
  }

  function syncSteps() {
    document.querySelectorAll(".nyttolib-nav .jupyter-button, .nyttolib-nav [aria-current]").forEach(function (b) {
      var current = b.closest(".nyttolib-portfolio") ? "true" : "step";
      if (b.classList.contains("nyttolib-current")) b.setAttribute("aria-current", current);
      else b.removeAttribute("aria-current");
    });
  }

  function syncRadioGroups() {
    document.querySelectorAll(".widget-radio-box").forEach(function (box) {
      var widget = box.parentElement;
      var name = widget.getAttribute("data-nyttolib-group");
      if (!name) {
        name = "nyttolib-radio-" + (++radioGroups);
        widget.setAttribute("data-nyttolib-group", name);
      }
      box.querySelectorAll("input[type=radio]").forEach(function (input) {
        if (input.name !== name) input.name = name;
      });
      var ids = [];
      var extra = LABELLED_BY_CLASS.exec(widget.className);
      if (extra && document.getElementById(extra[1])) ids.push(extra[1]);
      var label = widget.querySelector(":scope > .widget-label");
      if (label && label.textContent.trim()) {
        if (!label.id) label.id = name + "-label";
        ids.push(label.id);
      }
      if (box.getAttribute("role") !== "radiogroup") box.setAttribute("role", "radiogroup");
      if (ids.length && box.getAttribute("aria-labelledby") !== ids.join(" ")) {
        box.setAttribute("aria-labelledby", ids.join(" "));
      }
    });
  }

  function syncTitles() {
    document.querySelectorAll("[title='null']").forEach(function (el) { el.removeAttribute("title"); });
  }

  function focusTarget(element) {
    if (element.matches("button, input, textarea, select, a[href]")) return element;
    if (element.matches(".nyttolib-field")) {
      // A radio group is entered at its chosen answer (as Tab does), else at its first.
      return element.querySelector("input[type=radio]:checked") ||
        element.querySelector("input:not([type=radio]), textarea, select, input");
    }
    var target = element.querySelector("h1, h2, h3, h4, h5, h6");
    if (target) target.setAttribute("tabindex", "-1");
    return target || element.querySelector("button, input, textarea, select, a[href]");
  }

  function syncFocus() {
    var newest = null;
    var serial = handledFocus;
    document.querySelectorAll("[class*='nyttolib-focus-']").forEach(function (el) {
      var match = FOCUS_CLASS.exec(el.className);
      if (match && Number(match[1]) > serial && el.isConnected) {
        serial = Number(match[1]);
        newest = el;
      }
    });
    if (!newest) return;
    var target = focusTarget(newest);
    if (!target || !target.getClientRects().length) return; // not rendered yet: try again on the next change
    handledFocus = serial;
    setBusy(false);
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start", inline: "nearest" });
  }

  function setBusy(on, part) {
    if (!busyStatus) {
      busyStatus = document.createElement("div");
      busyStatus.className = "nyttolib-busy-status";
      busyStatus.setAttribute("role", "status");
      (document.querySelector("main") || document.body).appendChild(busyStatus);
    }
    busyStatus.textContent = on ? (part ? "Hämtar delen …" : "Hämtar steget …") : "";
    busyStatus.classList.toggle("nyttolib-busy-shown", on);
    document.querySelectorAll(".nyttolib-form").forEach(function (form) {
      if (on) form.setAttribute("aria-busy", "true");
      else form.removeAttribute("aria-busy");
    });
    window.clearTimeout(busyTimer);
    if (on) busyTimer = window.setTimeout(function () { setBusy(false); }, BUSY_LIMIT_MS);
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest(STEP_BUTTONS);
    if (button && !button.disabled) setBusy(true, !!button.closest(".nyttolib-portfolio"));
    var pick = event.target.closest && event.target.closest("[data-nyttolib-pick]");
    if (pick) onPick(pick);
  }

  function onPick(button) {
    var select = document.querySelector("." + button.getAttribute("data-nyttolib-pick") + " select");
    if (!select) return;
    select.selectedIndex = Number(button.getAttribute("data-nyttolib-index"));
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var after = button.getAttribute("data-nyttolib-focus-after");
    var next = after && document.querySelector("." + after + " select");
    if (next) {
      next.focus();
      next.scrollIntoView({ block: "center", inline: "nearest" });
    } else if (button.getAttribute("data-nyttolib-key")) {
      pendingKey = button.getAttribute("data-nyttolib-key");
      pendingFrom = button;
    }
  }

  function syncPicked() {
    if (!pendingKey) return;
    var found = document.querySelector("[data-nyttolib-key='" + pendingKey + "']");
    if (found && found !== pendingFrom) {
      pendingKey = pendingFrom = null;
      found.focus({ preventScroll: true });
    }
  }

  function sync() {
    scheduled = false;
    syncRadioGroups();
    syncFields();
    syncSteps();
    syncFocus();
    syncPicked();
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(sync);
    }
  }

  function start() {
    document.addEventListener("click", onClick, true);
    // Titles at once, the rest at the next frame: a tab in the background gets no frames (two facilitator
    // tabs, one behind the other, kept title="null" until brought forward).
    new MutationObserver(function () {
      syncTitles();
      schedule();
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["class", "title"],
    });
    syncTitles();
    schedule();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
