/*
 * The offline calculator's page (built by parcours/diagnostic/offline.py): reads the list with
 * ParcoursDiagnosticList.readFile, computes the keys with ParcoursDiagnosticList.computeList (the code of the
 * key page, unchanged) and offers the keys file to save. No request: the page's Content-Security-Policy
 * forbids any, and nothing here asks for one.
 */
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var form = byId("calculator");
  var error = byId("error");
  var status = byId("status");
  var result = byId("result");
  var download = byId("download");
  var objectUrl = null;

  function fail(message, field) {
    error.querySelector("p").textContent = message;
    error.hidden = !message;
    if (message) { (field || error).focus(); }
  }

  function plural(n, one, many) { return n + " " + (n > 1 ? many : one); }

  function lines(rejected) {
    var labels = window.ParcoursLinkage.REASONS || {};  // reason codes, when the list page uses them
    var shown = rejected.slice(0, 30).map(function (r) {
      return r.line + " (" + (labels[r.reason] || r.reason) + ")";
    });
    if (rejected.length > 30) { shown.push("et " + (rejected.length - 30) + " autres"); }
    return shown.join(", ");
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    fail("");
    result.hidden = true;
    status.textContent = "";
    if (objectUrl) { URL.revokeObjectURL(objectUrl); objectUrl = null; }
    var code = byId("campaign-code").value.trim().toUpperCase();
    var reference = byId("reference-date").value.trim();
    var file = byId("list-file").files[0];
    if (!code) {
      fail("Saisissez le code de la campagne, affiché sur la page de votre liste dans Parcours.",
        byId("campaign-code"));
      return;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(reference)) {
      fail("Saisissez la date de référence des âges (AAAA-MM-JJ), affichée sur la page de votre liste.",
        byId("reference-date"));
      return;
    }
    if (!file) { fail("Choisissez le fichier de la liste (CSV ou XLSX).", byId("list-file")); return; }
    status.textContent = "Calcul des clés en cours…";
    try {
      var read = await window.ParcoursDiagnosticList.readFile(file);
      if (read.kind === "keys") {
        status.textContent = "";
        fail("Ce fichier contient déjà des clés : chargez-le directement sur la page de votre liste dans " +
          "Parcours.");
        return;
      }
      var computed = await window.ParcoursDiagnosticList.computeList(read.items, byId("phrase").value, code,
        reference, { order: byId("date-order").value });
      status.textContent = plural(computed.records.length, "clé calculée", "clés calculées") + " ; " +
        plural(computed.rejected.length, "ligne écartée", "lignes écartées") + " ; " +
        plural(computed.duplicates, "doublon", "doublons") + "." +
        (computed.rejected.length ? " Lignes écartées : " + lines(computed.rejected) + "." : "");
      if (!computed.records.length) {
        fail("Aucune clé n'a pu être calculée : corrigez les lignes écartées.");
        return;
      }
      objectUrl = URL.createObjectURL(new Blob([computed.payload], { type: "text/csv;charset=utf-8" }));
      download.href = objectUrl;
      download.download = "cles-" + code.replace(/[^A-Z0-9-]/g, "") + ".csv";
      byId("payload").textContent = computed.payload;
      result.hidden = false;
      download.focus();
    } catch (failure) {
      status.textContent = "";
      var message = failure && typeof failure.message === "string" && failure.message ? failure.message : "";
      if (/^La phrase secrète/.test(message)) { fail(message, byId("phrase")); return; }
      fail(message && !(failure instanceof TypeError) ? message :
        "Le calcul a échoué dans ce navigateur : utilisez un navigateur récent (Firefox, Chrome, Edge).");
    }
  });
}());
