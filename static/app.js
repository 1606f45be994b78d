// keycheck's only script of its own: copy buttons, Enter in the key field,
// the demo's keys. Everything else is htmx. No inline script anywhere, so
// the Content-Security-Policy can forbid it.
//
// A control that needs this script is rendered `hidden data-needs-js`; the
// script shows it, on load and in every fragment htmx swaps in. Without
// JavaScript it stays hidden, so no page offers a button that does nothing.
(function () {
  "use strict";

  function showJSControls(root) {
    if (root.matches && root.matches("[data-needs-js]")) root.hidden = false;
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-needs-js]").forEach(function (el) {
      el.hidden = false;
    });
  }
  showJSControls(document);
  // Shown as soon as htmx swaps them in, not at htmx:load after the settle:
  // until then the page is shorter, and a page scrolled to its end moves
  // under the mouse (a press on "Run live test" would miss on release).
  ["htmx:afterSwap", "htmx:oobAfterSwap", "htmx:load"].forEach(function (name) {
    document.addEventListener(name, function (ev) {
      showJSControls(ev.detail && ev.detail.target ? ev.detail.target : ev.target);
    });
  });

  // Enter in a field marked data-enter-submits presses the button it names,
  // instead of typing a newline the whitespace step would then blame on the
  // key. A pasted newline is kept, and Shift+Enter still types one.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing) return;
    var field = ev.target;
    if (!field.matches || !field.matches("[data-enter-submits]")) return;
    var button = document.getElementById(field.getAttribute("data-enter-submits"));
    if (!button) return;
    ev.preventDefault();
    button.click();
  });

  // A demo key fills the key field and checks it at once ("keycheck:check"
  // is the form's undelayed trigger).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-demo-key]");
    if (!btn) return;
    var field = document.getElementById("key");
    if (!field) return;
    field.value = btn.getAttribute("data-demo-key");
    field.dispatchEvent(new Event("keycheck:check", { bubbles: true }));
  });

  // The demo offers the scenario keys of the provider the select picks.
  document.addEventListener("change", function (ev) {
    if (ev.target.id !== "provider") return;
    document.querySelectorAll("[data-demo-target]").forEach(function (list) {
      list.hidden = list.getAttribute("data-demo-target") !== ev.target.value;
    });
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http on a team host: fall back to a hidden textarea.
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "offscreen";
    document.body.appendChild(ta);
    ta.select();
    try {
      document.execCommand("copy");
    } finally {
      document.body.removeChild(ta);
    }
    return Promise.resolve();
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    ev.preventDefault();
    var text = btn.getAttribute("data-copy");
    if (text === "location") text = window.location.href;
    if (text.charAt(0) === "#") {
      var el = document.querySelector(text);
      text = el ? el.textContent : "";
    }
    if (text.charAt(0) === "/") text = window.location.origin + text;
    copyText(text).then(function () {
      var label = btn.textContent;
      btn.textContent = "Copied";
      btn.setAttribute("data-copied", "");
      setTimeout(function () {
        btn.textContent = label;
        btn.removeAttribute("data-copied");
      }, 1500);
    });
  });

  // The CSRF token rides along on every htmx request.
  document.addEventListener("htmx:configRequest", function (ev) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) ev.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  });
})();
