/*
 * Errors in view (docs/saisies.md, « Erreurs de saisie »). Loaded by base.html on every page.
 *
 * 1. A page that comes back with a form's errors shows the form's error summary ([data-error-summary],
 *    includes/error_summary.html) inside the form's own block: it is scrolled into view and focused, so that
 *    a screen reader reads it and the keyboard starts from it. The form posted to `action#summary-id`, so
 *    that without this script the browser still opens the page at the summary.
 * 2. A refusal that comes back as an error message after a redirect (an action button of a long page): the
 *    message names its block (data-block, else the page's fragment) and is moved from the top of the page
 *    into that block, in view, and focused. Without this script the page opens at the message (#erreur).
 * 3. A link of the summary moves the focus to its field (a plain fragment link would only scroll).
 */
(function () {
  "use strict";

  function show(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true; // a form folded in a <details> (an optional act): unfold it
      }
    }
    element.scrollIntoView({ block: "center" });
    element.focus({ preventScroll: true });
  }

  function blockOfHash() {
    var id = window.location.hash.slice(1);
    if (!id) {
      return null;
    }
    try {
      id = decodeURIComponent(id);
    } catch (e) {
      return null;
    }
    var target = document.getElementById(id);
    var main = document.getElementById("contenu");
    return target && main && main.contains(target) ? target : null;
  }

  function blockOfMessage(message) {
    // The block the refused act belongs to, named by the server (data-block), else the page's fragment.
    var id = message.getAttribute("data-block");
    var target = id ? document.getElementById(id) : null;
    var main = document.getElementById("contenu");
    return target && main && main.contains(target) ? target : blockOfHash();
  }

  function placeMessage(message) {
    var block = blockOfMessage(message);
    if (!block || block.contains(message)) {
      return;
    }
    if (/^H[1-6]$/.test(block.tagName)) {
      block.insertAdjacentElement("afterend", message); // the anchor names a heading: right under it
    } else {
      var heading = block.querySelector("h1, h2, h3, h4, h5, h6");
      if (heading && heading.parentNode === block) {
        heading.insertAdjacentElement("afterend", message);
      } else {
        block.insertAdjacentElement("afterbegin", message);
      }
    }
  }

  function focusFieldOf(link) {
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return false;
    }
    var label = document.querySelector('label[for="' + field.id + '"]');
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }

  function start() {
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (focusFieldOf(link)) {
          event.preventDefault();
        }
      });
    });
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      show(summary);
      return;
    }
    var message = document.querySelector("[data-error-message]");
    if (message) {
      placeMessage(message);
      show(message);
      // The browser's own scroll to the fragment comes later and would leave the message out of view.
      window.addEventListener("load", function () {
        show(message);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
