/*
 * Pseudonymous linkage keys "LK1", computed in the browser with Web Crypto: the same scheme as
 * parcours/diagnostic/linkage.py (see docs/diagnostic.md). Names are read from the page and never sent:
 * only the keys and non-identifying attributes leave the browser.
 */
(function () {
  "use strict";
  var SCHEME = "LK1";
  var ITERATIONS = 210000;
  var MIN_PHRASE_LENGTH = 12;
  var encoder = new TextEncoder();

  function normaliseName(value) {
    var text = (value || "").normalize("NFKD").replace(/\p{M}/gu, "").toUpperCase();
    text = text.replace(/Œ/g, "OE").replace(/Æ/g, "AE").replace(/ß/g, "SS");
    return text.replace(/[^A-Z]/g, "");
  }

  function pick(name, positions, missing) {
    if (!name) { return missing; }
    return positions.map(function (p) { return name.length >= p ? name.charAt(p - 1) : "2"; }).join("");
  }

  function sexCode(value) {
    var first = (value || "").trim().toUpperCase().charAt(0);
    if (first === "M" || first === "H" || first === "1") { return "1"; }
    if (first === "F" || first === "2") { return "2"; }
    return "9";
  }

  /* birthDate: "YYYY-MM-DD" */
  function linkageString(lastName, firstName, birthDate, sex) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate || "");
    if (!match) { throw new Error("La date de naissance est nécessaire pour calculer la clé."); }
    return pick(normaliseName(lastName), [2, 3, 5], "999") + pick(normaliseName(firstName), [2, 3], "99") +
      match[3] + match[2] + match[1] + sexCode(sex);
  }

  function deriveKey(phrase, campaignCode) {
    if ((phrase || "").length < MIN_PHRASE_LENGTH) {
      return Promise.reject(new Error("La phrase secrète de la campagne doit compter au moins " +
        MIN_PHRASE_LENGTH + " caractères."));
    }
    var subtle = window.crypto.subtle;
    return subtle.importKey("raw", encoder.encode(phrase), "PBKDF2", false, ["deriveBits"])
      .then(function (base) {
        return subtle.deriveBits({
          name: "PBKDF2", hash: "SHA-256", iterations: ITERATIONS,
          salt: encoder.encode("parcours-diagnostic:" + campaignCode)
        }, base, 256);
      })
      .then(function (bits) {
        return subtle.importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      });
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function linkageKey(key, lastName, firstName, birthDate, sex) {
    var message = SCHEME + "|" + linkageString(lastName, firstName, birthDate, sex);
    return window.crypto.subtle.sign("HMAC", key, encoder.encode(message)).then(hex);
  }

  window.ParcoursLinkage = {
    normaliseName: normaliseName, linkageString: linkageString, sexCode: sexCode,
    deriveKey: deriveKey, linkageKey: linkageKey
  };
}());
