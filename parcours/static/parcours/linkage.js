/*
 * Pseudonymous linkage keys "LK2", computed in the browser with Web Crypto: the same scheme as
 * parcours/diagnostic/linkage.py (docs/diagnostic.md « Clés de rapprochement pseudonymes »), with the same
 * transliteration table (translit.json, next to this file, or the URL in this script tag's data-translit).
 * Names are read from the page and never sent: only the keys and non-identifying attributes leave the
 * browser; an error names a reason code, never the row.
 *
 * window.ParcoursLinkage:
 *   loadTable([url]) -> Promise            the transliteration table (loaded once; personKeys waits for it)
 *   deriveKey(phrase, campaignCode) -> Promise<CryptoKey>
 *   parseDate(value, order="dm") -> {y, m, d, iso} | {y} (year only); throws SetAside
 *   dateOrderEvidence(values) -> "dm" | "md" | "ambiguous" | "inconsistent" | "none"
 *   personKeys(key, lastName, firstName, birth, {reference}) -> Promise<[hex...]>, strongest first;
 *     birth: the result of parseDate, a year (number) or "AAAA-MM-JJ"; reference: "AAAA-MM-JJ" or
 *     {y, m, d}; rejects with a SetAside {reason, message}
 *   keyMessages(...) (the same, before HMAC: test vectors), normaliseName, reduceName, sexCode,
 *   ageOn(birth, day), ageBand(birth, day), isMinor(birth, day), REASONS, SetAside
 */
(function () {
  "use strict";
  var SCHEME = "LK2";
  var ITERATIONS = 210000;
  var MIN_PHRASE_LENGTH = 12;
  var MIN_SINGLE_NAME_REDUCTION = 3;  // linkage.MIN_SINGLE_NAME_REDUCTION
  var MIN_BIRTH_YEAR = 1900;
  var encoder = new TextEncoder();
  var script = document.currentScript;
  var tableUrl = (script && (script.getAttribute("data-translit") ||
    script.src.replace(/linkage(\.[^/]*)?\.js(\?.*)?$/, "translit.json"))) || "/static/parcours/translit.json";

  var REASONS = {
    date_absente: "date de naissance absente",
    date_illisible: "date de naissance illisible",
    date_posterieure: "date de naissance postérieure à la date de référence",
    sans_nom: "aucun nom",
    ecriture_non_prise_en_charge: "écriture non prise en charge"
  };

  function SetAside(reason) {
    this.reason = reason;
    this.message = REASONS[reason];
  }
  SetAside.prototype = Object.create(Error.prototype);
  SetAside.prototype.name = "SetAside";

  // --- Names -------------------------------------------------------------------------------------------

  var SPECIAL_LETTERS = {
    "Œ": "OE", "Æ": "AE", "ẞ": "SS", "Ł": "L", "Ø": "O", "Đ": "D", "Ð": "D", "Ɖ": "D", "Þ": "TH",
    "Ħ": "H", "Ŧ": "T", "Ŋ": "NG", "Ƒ": "F", "Ɲ": "N", "Ʒ": "Z"
  };
  var letters = null;
  var loading = null;

  function loadTable(url) {
    if (letters) { return Promise.resolve(letters); }
    if (!loading) {
      loading = fetch(url || tableUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("Table de translittération introuvable."); }
          return response.json();
        })
        .then(function (table) {
          var map = Object.create(null);
          Object.keys(table.letters).forEach(function (c) { map[c] = table.letters[c]; });
          Object.keys(table.han).forEach(function (reading) {
            for (var c of table.han[reading]) { map[c] = reading; }
          });
          letters = map;
          return letters;
        })
        .catch(function (error) { loading = null; throw error; });
    }
    return loading;
  }

  function requireTable() {
    if (!letters) { throw new Error("ParcoursLinkage.loadTable() doit être appelé d'abord."); }
    return letters;
  }

  var MARK = /\p{M}/u;
  var OTHER_LETTER = /[\p{Lu}\p{Ll}\p{Lt}\p{Lo}]/u;
  var NOT_AZ = /[^A-Z]/gu;

  function normaliseName(value) {
    var map = requireTable();
    var out = "";
    for (var c of String(value || "").normalize("NFKD")) {
      if (MARK.test(c)) { continue; }
      var latin = map[c];
      if (latin !== undefined) { out += latin; continue; }
      for (var u of c.toUpperCase()) { out += SPECIAL_LETTERS[u] !== undefined ? SPECIAL_LETTERS[u] : u; }
    }
    var rest = out.match(NOT_AZ) || [];
    if (rest.some(function (c) { return OTHER_LETTER.test(c); })) {
      throw new SetAside("ecriture_non_prise_en_charge");
    }
    return out.replace(NOT_AZ, "");
  }

  var CLASSES = {};
  [["AEIOUY", "A"], ["BFPV", "B"], ["CGJKQSXZ", "K"], ["DT", "T"], ["L", "L"], ["MN", "N"], ["R", "R"]]
    .forEach(function (pair) { for (var c of pair[0]) { CLASSES[c] = pair[1]; } });

  function reduceLetters(text) {
    var out = [];
    for (var c of text) {
      var symbol = CLASSES[c];
      if (symbol === undefined || (out.length && out[out.length - 1] === symbol)) { continue; }
      out.push(symbol);
    }
    if (out.length > 1 && out[out.length - 1] === "A") { out.pop(); }
    return out.join("");
  }

  function reduceName(value) { return reduceLetters(normaliseName(value)); }

  function sexCode(value) {
    var first = String(value || "").trim().toUpperCase().charAt(0);
    if (first === "M" || first === "H" || first === "1") { return "1"; }
    if (first === "F" || first === "2") { return "2"; }
    return "9";
  }

  // --- Dates -------------------------------------------------------------------------------------------

  var TIME_SUFFIX = /[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/;
  var ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
  var TWO_FIELDS = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
  var YEAR = /^(\d{4})$/;
  var YEAR_ONLY = /^(00|0|XX|X|\?\?)([/.-])(00|0|XX|X|\?\?)\2(\d{4})$/i;

  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }

  function clean(value) { return String(value === null || value === undefined ? "" : value).trim().replace(TIME_SUFFIX, ""); }

  function year(text) {
    var y = parseInt(text, 10);
    if (y < MIN_BIRTH_YEAR) { throw new SetAside("date_illisible"); }
    return y;
  }

  function make(y, m, d) {
    y = year(String(y));
    var date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      throw new SetAside("date_illisible");
    }
    return { y: y, m: m, d: d, iso: pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) };
  }

  function parseDate(value, order) {
    order = order || "dm";
    if (order !== "dm" && order !== "md") { throw new Error("unknown date order"); }
    var text = clean(value);
    if (!text) { throw new SetAside("date_absente"); }
    var m = YEAR.exec(text);
    if (m) { return { y: year(m[1]) }; }
    m = YEAR_ONLY.exec(text);
    if (m) { return { y: year(m[4]) }; }
    m = ISO.exec(text);
    if (m) { return make(+m[1], +m[2], +m[3]); }
    m = TWO_FIELDS.exec(text);
    if (m) {
      var first = +m[1], second = +m[3];
      return order === "dm" ? make(+m[4], second, first) : make(+m[4], first, second);
    }
    throw new SetAside("date_illisible");
  }

  function dateOrderEvidence(values) {
    var dayFirst = false, monthFirst = false, twoFields = false;
    for (var value of values) {
      var m = TWO_FIELDS.exec(clean(value));
      if (!m) { continue; }
      var first = +m[1], second = +m[3];
      if (first === 0 || second === 0) { continue; }
      twoFields = true;
      dayFirst = dayFirst || (first > 12 && first <= 31 && second <= 12);
      monthFirst = monthFirst || (second > 12 && second <= 31 && first <= 12);
    }
    if (dayFirst && monthFirst) { return "inconsistent"; }
    if (dayFirst) { return "dm"; }
    if (monthFirst) { return "md"; }
    return twoFields ? "ambiguous" : "none";
  }

  function asBirth(birth) {
    if (birth === null || birth === undefined || birth === "") { throw new SetAside("date_absente"); }
    if (typeof birth === "number") { return { y: birth }; }
    if (typeof birth === "string") { return parseDate(birth); }
    return birth;
  }

  function birthday(birth) { return birth.m ? birth : { y: birth.y, m: 7, d: 1 }; }

  function asDay(day) {
    if (typeof day === "string") {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
      return { y: +m[1], m: +m[2], d: +m[3] };
    }
    return day;
  }

  function ageOn(birth, day) {
    var born = birthday(asBirth(birth));
    day = asDay(day);
    var before = day.m < born.m || (day.m === born.m && day.d < born.d);
    return day.y - born.y - (before ? 1 : 0);
  }

  var AGE_BANDS = [
    [0, 18, "lt18", "moins de 18 ans"],
    [18, 25, "18_24", "18 à 24 ans"],
    [25, 35, "25_34", "25 à 34 ans"],
    [35, 200, "35_plus", "35 ans et plus"]
  ];

  function ageBand(birth, day) {
    var age = ageOn(birth, day);
    for (var band of AGE_BANDS) { if (band[0] <= age && age < band[1]) { return band[3]; } }
    return AGE_BANDS[AGE_BANDS.length - 1][3];
  }

  function isMinor(birth, day) { return ageOn(birth, day) < 18; }

  // --- Keys --------------------------------------------------------------------------------------------

  function keyMessages(lastName, firstName, birth, options) {
    var born = asBirth(birth);
    var last = reduceName(lastName), first = reduceName(firstName);
    if (!last && !first) { throw new SetAside("sans_nom"); }
    var reference = options && options.reference ? asDay(options.reference) : null;
    if (reference) {
      var b = birthday(born);
      if (b.y > reference.y || (b.y === reference.y && (b.m > reference.m || (b.m === reference.m && b.d > reference.d)))) {
        throw new SetAside("date_posterieure");
      }
    }
    var names = [last, first].sort().join("|");
    var yyyy = pad(born.y, 4);
    if (!born.m) { return [SCHEME + "|Y|" + names + "|" + yyyy]; }
    var dd = pad(born.d, 2), mm = pad(born.m, 2);
    var messages = [SCHEME + "|N|" + names + "|" + dd + mm + yyyy];
    if (born.d <= 12 && born.d !== born.m) { messages.push(SCHEME + "|N|" + names + "|" + mm + dd + yyyy); }
    [last, first].forEach(function (name) {
      if (name.length >= MIN_SINGLE_NAME_REDUCTION) { messages.push(SCHEME + "|1|" + name + "|" + dd + mm + yyyy); }
    });
    messages.push(SCHEME + "|Y|" + names + "|" + yyyy);
    messages.push(SCHEME + "|D|" + names + "|" + dd + mm);
    return messages.filter(function (message, i) { return messages.indexOf(message) === i; });
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

  function personKeys(key, lastName, firstName, birth, options) {
    return loadTable().then(function () {
      var messages = keyMessages(lastName, firstName, birth, options);
      return Promise.all(messages.map(function (message) {
        return window.crypto.subtle.sign("HMAC", key, encoder.encode(message)).then(hex);
      }));
    });
  }

  window.ParcoursLinkage = {
    SCHEME: SCHEME, REASONS: REASONS, SetAside: SetAside, AGE_BANDS: AGE_BANDS,
    loadTable: loadTable, normaliseName: normaliseName, reduceName: reduceName, sexCode: sexCode,
    parseDate: parseDate, dateOrderEvidence: dateOrderEvidence, ageOn: ageOn, ageBand: ageBand,
    isMinor: isMinor, keyMessages: keyMessages, deriveKey: deriveKey, personKeys: personKeys
  };
}());
