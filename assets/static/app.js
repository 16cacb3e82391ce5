// PX360 progressive enhancements. Every page works without this file; it only
// makes common actions quicker. No inline handlers, no eval: safe under a strict CSP.
(function () {
  "use strict";

  // Lets the stylesheet tell JavaScript users apart (menu drawer, copy buttons).
  document.documentElement.classList.add("js");

  var interactive = "a, button, input, select, textarea, label, summary, details, [contenteditable], [role=button]";

  // Returns the nearest interactive element between target and row, if any.
  function interactiveWithin(target, row) {
    var el = target.closest ? target.closest(interactive) : null;
    return el && row.contains(el) ? el : null;
  }

  // sameOriginURL resolves href and keeps it only if it stays on this site
  // (no script URLs or foreign links smuggled through data-href).
  function sameOriginURL(href) {
    if (!href) {
      return null;
    }
    try {
      var url = new URL(href, document.baseURI);
      if (url.origin !== window.location.origin) {
        return null;
      }
      return url.href;
    } catch (e) {
      return null;
    }
  }

  // (a) Menu button: opens the side navigation as a drawer on narrow screens.
  function initNav() {
    var shell = document.querySelector(".shell");
    var toggles = document.querySelectorAll(".nav-toggle");
    if (!shell || toggles.length === 0) {
      return;
    }
    var nav = shell.querySelector(".sidenav");
    if (nav && !nav.id) {
      nav.id = "sidenav";
    }

    function isOpen() {
      return shell.classList.contains("nav-open");
    }

    function setOpen(open) {
      shell.classList.toggle("nav-open", open);
      toggles.forEach(function (t) {
        t.setAttribute("aria-expanded", open ? "true" : "false");
      });
      if (open && nav) {
        var first = nav.querySelector("a[aria-current=page]") || nav.querySelector("a");
        if (first) {
          first.focus();
        }
      }
    }

    toggles.forEach(function (t) {
      t.setAttribute("aria-expanded", "false");
      if (nav) {
        t.setAttribute("aria-controls", nav.id);
      }
      t.addEventListener("click", function () {
        setOpen(!isOpen());
      });
    });

    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && isOpen()) {
        setOpen(false);
        toggles[0].focus();
      }
    });

    // A click on the backdrop (anything outside the drawer and the button) closes it.
    document.addEventListener("click", function (e) {
      if (!isOpen()) {
        return;
      }
      var t = e.target;
      if ((nav && nav.contains(t)) || (t.closest && t.closest(".nav-toggle"))) {
        return;
      }
      setOpen(false);
    });

    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 900px)");
      var onChange = function () {
        if (wide.matches && isOpen()) {
          setOpen(false);
        }
      };
      if (wide.addEventListener) {
        wide.addEventListener("change", onChange);
      }
    }
  }

  // (b) Table rows with data-href open their record on click or Enter.
  // The row should still hold a real link so the page works without JavaScript.
  function initRows() {
    document.querySelectorAll("tr[data-href]").forEach(function (row) {
      if (!row.hasAttribute("tabindex")) {
        row.tabIndex = 0;
      }
    });

    function open(row, newTab) {
      var href = sameOriginURL(row.getAttribute("data-href"));
      if (!href) {
        return;
      }
      if (newTab) {
        window.open(href, "_blank", "noopener");
      } else {
        window.location.assign(href);
      }
    }

    document.addEventListener("click", function (e) {
      if (e.defaultPrevented || e.button !== 0 || !e.target.closest) {
        return;
      }
      var row = e.target.closest("tr[data-href]");
      if (!row || interactiveWithin(e.target, row)) {
        return;
      }
      // Selecting text to copy it is not a request to navigate.
      var sel = window.getSelection ? String(window.getSelection()) : "";
      if (sel.length > 0) {
        return;
      }
      open(row, e.ctrlKey || e.metaKey);
    });

    document.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.defaultPrevented) {
        return;
      }
      var row = e.target;
      if (row.matches && row.matches("tr[data-href]")) {
        e.preventDefault();
        open(row, e.ctrlKey || e.metaKey);
      }
    });
  }

  // (c) Forms (or their submit buttons) with data-confirm ask before submitting.
  function initConfirm() {
    document.addEventListener("submit", function (e) {
      var form = e.target;
      var button = e.submitter;
      var message = (button && button.getAttribute("data-confirm")) ||
        (form.getAttribute && form.getAttribute("data-confirm"));
      if (message && !window.confirm(message)) {
        e.preventDefault();
      }
    });
  }

  // copyText uses the Clipboard API where the page is a secure context and falls
  // back to selecting the text and execCommand (plain-HTTP LAN installs).
  function copyText(source, text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () {
        return true;
      }, function () {
        return fallbackCopy(source);
      });
    }
    return Promise.resolve(fallbackCopy(source));
  }

  function fallbackCopy(source) {
    try {
      if (source.select) {
        source.select();
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      // The text stays selected, so Ctrl+C still works if this fails.
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  // (d) [data-copy="id"] copies the text of element #id. An optional
  // data-copied="Copied" gives the (localised) label shown for a moment after.
  function initCopy() {
    document.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest("[data-copy]") : null;
      if (!button) {
        return;
      }
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) {
        return;
      }
      e.preventDefault();
      var text = (source.tagName === "INPUT" || source.tagName === "TEXTAREA") ?
        source.value : source.textContent.trim();
      copyText(source, text).then(function (ok) {
        if (!ok || button.classList.contains("copied")) {
          return;
        }
        var label = button.getAttribute("data-copied");
        var original = button.textContent;
        button.classList.add("copied");
        if (label) {
          button.textContent = label;
        }
        window.setTimeout(function () {
          button.classList.remove("copied");
          if (label) {
            button.textContent = original;
          }
        }, 2000);
      });
    });
  }

  // A form re-rendered with errors moves focus to its summary, so keyboard and
  // screen-reader users start where the problems are listed.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.tabIndex = -1;
    }
    summary.focus();
  }

  function init() {
    initNav();
    initRows();
    initConfirm();
    initCopy();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
