/*
 * The secretariat's phrase generator (campaign page, before opening; diagnostic/campaign_detail.html).
 * « Générer la phrase secrète » draws the phrase with ParcoursPhrase.generate (phrase.js, in the browser),
 * tells the server only THAT a phrase was generated (a POST with nothing but the CSRF token), then shows the
 * phrase once, with a « Copier » button. The phrase is never sent, stored or put in a URL.
 */
(function () {
  "use strict";
  var root = document.getElementById("phrase-generator");
  if (!root) { return; }
  var button = root.querySelector("[data-phrase-generate]");
  var output = root.querySelector("[data-phrase-output]");
  var value = root.querySelector("[data-phrase-value]");
  var copy = root.querySelector("[data-phrase-copy]");
  var copied = root.querySelector("[data-phrase-copied]");
  var error = root.querySelector("[data-phrase-error]");
  var title = root.querySelector("[data-phrase-title]");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]");
  if (!window.ParcoursPhrase || !window.crypto || !window.crypto.getRandomValues || !window.fetch) {
    return;
  }
  root.hidden = false;

  function showError(message) {
    error.hidden = !message;
    error.querySelector("p").textContent = message;
    if (message) { error.focus(); }
  }

  button.addEventListener("click", function () {
    if (button.getAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      return;
    }
    showError("");
    output.hidden = true;
    value.textContent = "";
    button.disabled = true;
    var phrase = window.ParcoursPhrase.generate();
    window.fetch(root.getAttribute("data-record-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf.value }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        var refused = new Error(answer.body.message || "");
        refused.fromServer = true;
        throw refused;
      }
      value.textContent = phrase;
      copied.textContent = "";
      output.hidden = false;
      title.focus();
      document.querySelectorAll("[data-phrase-recorded]").forEach(function (p) {
        p.textContent = answer.body.message;
      });
    }).catch(function (failure) {
      showError((failure && failure.fromServer && failure.message) ||
        "La génération n'a pas pu être enregistrée : rechargez la page et recommencez.");
    }).finally(function () {
      button.disabled = false;
      phrase = null;
    });
  });

  copy.addEventListener("click", function () {
    var text = value.textContent;
    var done = function () { copied.textContent = "Phrase copiée dans le presse-papiers."; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        copied.textContent = "La copie a échoué : sélectionnez la phrase et copiez-la vous-même.";
      });
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(value);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    copied.textContent = "Phrase sélectionnée : copiez-la (Ctrl+C).";
  });
}());
