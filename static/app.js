// keycheck's only script of its own: copy buttons. Everything else is htmx.
// No inline script anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";

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
