/*
 * The campaign's secret phrase, in the browser: the same policy as parcours/diagnostic/phrase.py (see
 * docs/diagnostic.md, « Phrase secrète »). The word list is the JSON array of the page's element
 * <script type="application/json" id="parcours-phrase-words"> (phrase_words_fr.json, the file Python reads).
 *
 * ParcoursPhrase.check(phrase) returns the canonical phrase (words without accents, lower case, one space
 * between them) or throws an Error whose French message begins with « La phrase secrète ». The keys are
 * derived from the canonical phrase, as in Python.
 * ParcoursPhrase.generate() draws PHRASE_WORDS words with crypto.getRandomValues: nothing leaves the browser.
 * ParcoursLinkage.deriveKey expects the canonical phrase: the key page calls check() first.
 * This file makes no request (it is inlined in the offline calculator); the secretariat's generator, which
 * tells the server that a phrase was generated, is phrase_generator.js.
 */
(function () {
  "use strict";
  var PHRASE_WORDS = 7;  // 7 words x 11 bits = 77 bits (parcours/diagnostic/phrase.py, PHRASE_WORDS)
  var list = null;
  var folded = null;

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function words() {
    if (!list) {
      var element = document.getElementById("parcours-phrase-words");
      if (!element) {
        throw new Error("La phrase secrète ne peut pas être vérifiée : liste de mots absente.");
      }
      list = JSON.parse(element.textContent);
      folded = {};
      list.forEach(function (word) { folded[fold(word)] = true; });
    }
    return list;
  }

  function phraseWords(phrase) {
    return fold(phrase).split(/[^a-z]+/).filter(function (word) { return word !== ""; });
  }

  function check(phrase) {
    words();
    var found = phraseWords(phrase);
    if (found.length < PHRASE_WORDS) {
      var many = found.length > 1;
      throw new Error("La phrase secrète doit compter au moins " + PHRASE_WORDS + " mots de la liste de " +
        "Parcours (" + found.length + " mot" + (many ? "s" : "") + " lu" + (many ? "s" : "") + ") : " +
        "utilisez la phrase générée par le secrétariat de la commission.");
    }
    var unknown = [];
    found.forEach(function (word, i) { if (!folded[word]) { unknown.push(String(i + 1)); } });
    if (unknown.length) {
      var which = unknown.length === 1 ? "le mot n° " + unknown[0] + " n'en fait" :
        "les mots n° " + unknown.join(", ") + " n'en font";
      throw new Error("La phrase secrète doit être faite de mots de la liste de Parcours : " + which +
        " pas partie. Vérifiez l'orthographe de la phrase générée par le secrétariat de la commission.");
    }
    return found.join(" ");
  }

  /* PHRASE_WORDS words drawn uniformly: 2^32 is a multiple of 2048, so `value % 2048` has no bias. */
  function generate() {
    var all = words();
    var values = new Uint32Array(PHRASE_WORDS);
    window.crypto.getRandomValues(values);
    return Array.prototype.map.call(values, function (v) { return all[v % all.length]; }).join(" ");
  }

  window.ParcoursPhrase = {
    PHRASE_WORDS: PHRASE_WORDS, fold: fold, words: words, phraseWords: phraseWords, check: check,
    generate: generate
  };
}());
