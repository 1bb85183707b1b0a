/*
 * The structure's list page of the diagnostic territorial (diagnostic/key_list.html): the list of people is
 * read IN THE BROWSER (a CSV file, an XLSX workbook or rows typed in a table), each person becomes its LK2
 * keys with ParcoursLinkage.personKeys (linkage.js), and only the keys and non-identifying attributes are put
 * in the form's `payload`: a keys file v2, as services.parse_key_payload reads it (first line
 * "#LK2 lignes_ecartees=N;<motif>=<n>...", then "cles,tranche_age,mineur,sexe,en_ligne").
 * No identity leaves this script: no request, no console output, no message quoting a row (a row set aside
 * is reported by its line number and its reason only; only the number of such rows is sent).
 *
 * Dates: before computing, the column of birth dates is read with ParcoursLinkage.dateOrderEvidence; when it
 * shows dates written month/day, or cannot tell, the page asks for the order (« jour/mois » or
 * « mois/jour ») and computes nothing until it is chosen.
 *
 * The XLSX reader is written here (no dependency): the ZIP central directory, DecompressionStream
 * ("deflate-raw") for the entries, DOMParser for xl/workbook.xml, its relationships, xl/sharedStrings.xml and
 * the first worksheet; numeric date cells (Excel serial days) become YYYY-MM-DD.
 */
(function () {
  "use strict";

  var MAGIC = "#LK2";
  var SET_ASIDE_FIELD = "lignes_ecartees";
  var PAYLOAD_HEADER = "cles,tranche_age,mineur,sexe,en_ligne";
  var MAX_KEYS_PER_ROW = 16;  // parcours/diagnostic/rules.py MAX_KEYS_PER_ROW
  // Same bands as parcours/diagnostic/linkage.py AGE_BANDS, with the codes of models.AgeBand.
  var AGE_BANDS = [
    [0, 18, "lt18", "moins de 18 ans"],
    [18, 25, "18_24", "18 à 24 ans"],
    [25, 35, "25_34", "25 à 34 ans"],
    [35, 200, "35_plus", "35 ans et plus"]
  ];
  // en_ligne of a list of names: the values parcours-linkage-keys reads as "yes".
  var ONLINE_YES = ["oui", "o", "yes", "y", "1", "vrai", "x", "true"];
  // en_ligne of a keys file: the values the server accepts (services.YES / services.NO).
  var KEYS_YES = ["oui", "1", "true", "vrai"];
  var KEYS_NO = ["non", "0", "false", "faux", ""];
  var NAME_COLUMNS = ["nom", "prenom", "date_naissance", "sexe"];
  var KEY_COLUMNS = ["cles", "tranche_age", "sexe", "en_ligne"];
  var IDENTITY_COLUMNS = ["nom", "prenom", "date_naissance", "nom_naissance", "name", "first_name"];
  var COLUMN_ALIASES = {
    prenoms: "prenom", nom_de_naissance: "nom", nom_naissance: "nom", date_de_naissance: "date_naissance",
    ddn: "date_naissance", naissance: "date_naissance"
  };
  var LK1_FILE = "Ce fichier de clés a été calculé avec l'ancien schéma (LK1), qui n'est plus accepté : " +
    "recalculez les clés sur cette page, ou avec la version actuelle de parcours-linkage-keys.";
  var MAX_FILE_BYTES = 20 * 1024 * 1024;
  var MAX_ENTRY_BYTES = 64 * 1024 * 1024;
  var MAX_LINES_SHOWN = 30;

  function ListError(message) { this.message = message; }

  function isFilled(cell) { return String(cell).trim() !== ""; }

  function plural(n, singular, pluralForm) { return n + " " + (n > 1 ? pluralForm : singular); }

  // --- Dates ---------------------------------------------------------------------------------------------

  // Birth dates are read by ParcoursLinkage.parseDate (linkage.js), in the order the user confirmed.

  /* An Excel serial day number (1900 system: day 1 = 1900-01-01, with Excel's fictitious 29/02/1900). */
  function serialToIso(serial, date1904) {
    var days = Math.floor(serial);
    if (!isFinite(days) || days < 1) { return ""; }
    var epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    if (!date1904 && days < 61) { days += 1; }
    return new Date(epoch + days * 86400000).toISOString().slice(0, 10);
  }

  // --- CSV -----------------------------------------------------------------------------------------------

  function guessDelimiter(text) {
    var counts = { ";": 0, ",": 0, "\t": 0 };
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (c === "\"") { quoted = !quoted; } else if (!quoted && (c === "\n" || c === "\r")) { break; }
      else if (!quoted && c in counts) { counts[c] += 1; }
    }
    var best = ",";
    [";", "\t"].forEach(function (d) { if (counts[d] > counts[best]) { best = d; } });
    return best;
  }

  /* Records of a CSV text: [{line: number of the record's first physical line, cells: [...]}]. */
  function parseCsv(text) {
    var line = 1;
    text = String(text || "").replace(/^\uFEFF/, "");
    var delimiter;
    var sep = /^sep=(.)\r?\n/i.exec(text);  // Excel's "sep=;" first line
    if (sep) { delimiter = sep[1]; text = text.slice(sep[0].length); line = 2; }
    else { delimiter = guessDelimiter(text); }
    var records = [];
    var row = [];
    var field = "";
    var quoted = false;
    var started = false;  // the field has content or was quoted
    var recordLine = line;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (quoted) {
        if (c === "\"") {
          if (text.charAt(i + 1) === "\"") { field += "\""; i += 1; } else { quoted = false; }
        } else {
          if (c === "\n") { line += 1; }
          field += c;
        }
      } else if (c === "\"" && !started) {
        quoted = true;
        started = true;
      } else if (c === delimiter) {
        row.push(field); field = ""; started = false;
      } else if (c === "\r" || c === "\n") {
        row.push(field); field = ""; started = false;
        records.push({ line: recordLine, cells: row });
        row = [];
        if (c === "\r" && text.charAt(i + 1) === "\n") { i += 1; }
        line += 1;
        recordLine = line;
      } else {
        field += c; started = true;
      }
    }
    if (started || row.length) { row.push(field); records.push({ line: recordLine, cells: row }); }
    return records;
  }

  // --- XLSX ----------------------------------------------------------------------------------------------

  var NOT_XLSX = "Ce fichier n'est pas un classeur XLSX lisible : enregistrez-le au format .xlsx ou .csv.";
  var TOO_BIG = "Ce classeur est trop volumineux pour être lu ici";

  function readZipDirectory(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var end = -1;
    for (var p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 65535; p--) {
      if (view.getUint32(p, true) === 0x06054b50) { end = p; break; }
    }
    if (end < 0) { throw new ListError(NOT_XLSX); }
    var count = view.getUint16(end + 10, true);
    var offset = view.getUint32(end + 16, true);
    if (count === 0xffff || offset === 0xffffffff) {
      throw new ListError(TOO_BIG + " : enregistrez-le au format .csv.");
    }
    var decoder = new TextDecoder("utf-8");
    var entries = {};
    p = offset;
    for (var n = 0; n < count; n++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) { throw new ListError(NOT_XLSX); }
      var nameLength = view.getUint16(p + 28, true);
      var name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength)).replace(/^\/+/, "");
      entries[name.toLowerCase()] = {
        flags: view.getUint16(p + 8, true),
        method: view.getUint16(p + 10, true),
        compressedSize: view.getUint32(p + 20, true),
        size: view.getUint32(p + 24, true),
        localOffset: view.getUint32(p + 42, true)
      };
      p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    }
    return entries;
  }

  async function inflate(data) {
    if (typeof DecompressionStream === "undefined") {
      throw new ListError("Ce navigateur ne sait pas lire les classeurs XLSX : enregistrez la liste au " +
        "format .csv, ou utilisez un navigateur récent.");
    }
    var reader = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
    var chunks = [];
    var total = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) { break; }
      total += step.value.length;
      if (total > MAX_ENTRY_BYTES) {
        reader.cancel();
        throw new ListError(TOO_BIG + ".");
      }
      chunks.push(step.value);
    }
    var out = new Uint8Array(total);
    var at = 0;
    chunks.forEach(function (chunk) { out.set(chunk, at); at += chunk.length; });
    return out;
  }

  async function zipText(bytes, entries, path) {
    var entry = entries[path.toLowerCase()];
    if (!entry) { return null; }
    if (entry.flags & 1) {
      throw new ListError("Ce classeur est protégé par un mot de passe : enregistrez-en une copie sans " +
        "protection.");
    }
    if (entry.size > MAX_ENTRY_BYTES) { throw new ListError(TOO_BIG + "."); }
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var p = entry.localOffset;
    if (p + 30 > bytes.length || view.getUint32(p, true) !== 0x04034b50) { throw new ListError(NOT_XLSX); }
    var start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
    if (start + entry.compressedSize > bytes.length) { throw new ListError(NOT_XLSX); }
    var data = bytes.subarray(start, start + entry.compressedSize);
    var raw;
    if (entry.method === 0) { raw = data; }
    else if (entry.method === 8) {
      try { raw = await inflate(data); } catch (error) {
        if (error instanceof ListError) { throw error; }
        throw new ListError(NOT_XLSX);
      }
    } else { throw new ListError(NOT_XLSX); }
    return new TextDecoder("utf-8").decode(raw);
  }

  function parseXml(text) {
    var doc = new DOMParser().parseFromString(text, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) { throw new ListError(NOT_XLSX); }
    return doc;
  }

  function byName(node, localName) {
    return Array.prototype.slice.call(node.getElementsByTagNameNS("*", localName));
  }

  function childrenNamed(node, localName) {
    return Array.prototype.filter.call(node.childNodes, function (n) { return n.localName === localName; });
  }

  /* The text of a shared string or an inline string: its <t> runs, phonetic guides (<rPh>) left out. */
  function runText(node) {
    return byName(node, "t").filter(function (t) { return t.parentNode.localName !== "rPh"; })
      .map(function (t) { return t.textContent; }).join("");
  }

  function relationshipId(node) {
    for (var i = 0; i < node.attributes.length; i++) {
      var attribute = node.attributes[i];
      if (attribute.localName === "id" && attribute.namespaceURI) { return attribute.value; }
    }
    return null;
  }

  function resolvePath(base, target) {
    if (target.charAt(0) === "/") { return target.slice(1); }
    var parts = base.split("/").slice(0, -1);
    target.split("/").forEach(function (part) {
      if (part === "..") { parts.pop(); } else if (part && part !== ".") { parts.push(part); }
    });
    return parts.join("/");
  }

  function columnIndex(reference) {
    var letters = /^([A-Z]+)/.exec(reference || "");
    if (!letters) { return -1; }
    var index = 0;
    for (var i = 0; i < letters[1].length; i++) { index = index * 26 + (letters[1].charCodeAt(i) - 64); }
    return index - 1;
  }

  /* The first worksheet of an XLSX as records [{line: Excel row number, cells: [...]}]; numeric cells of the
   * birth-date column (found in the first non-empty row, the header) become YYYY-MM-DD. */
  async function readXlsx(bytes) {
    var entries = readZipDirectory(bytes);
    var workbookText = await zipText(bytes, entries, "xl/workbook.xml");
    if (workbookText === null) { throw new ListError(NOT_XLSX); }
    var workbook = parseXml(workbookText);
    var properties = byName(workbook, "workbookPr")[0];
    var date1904 = !!properties && /^(1|true)$/.test(properties.getAttribute("date1904") || "");
    var firstSheet = byName(workbook, "sheet")[0];
    if (!firstSheet) { throw new ListError("Ce classeur ne contient aucune feuille."); }
    var sheetPath = null;
    var sharedPath = "xl/sharedStrings.xml";
    var relsText = await zipText(bytes, entries, "xl/_rels/workbook.xml.rels");
    if (relsText !== null) {
      var sheetId = relationshipId(firstSheet);
      byName(parseXml(relsText), "Relationship").forEach(function (rel) {
        var target = resolvePath("xl/workbook.xml", rel.getAttribute("Target") || "");
        if (rel.getAttribute("Id") === sheetId) { sheetPath = target; }
        if (/\/sharedStrings$/.test(rel.getAttribute("Type") || "")) { sharedPath = target; }
      });
    }
    var sheetText = await zipText(bytes, entries, sheetPath || "xl/worksheets/sheet1.xml");
    if (sheetText === null) { throw new ListError(NOT_XLSX); }
    var shared = [];
    var sharedText = await zipText(bytes, entries, sharedPath);
    if (sharedText !== null) {
      shared = childrenNamed(parseXml(sharedText).documentElement, "si").map(runText);
    }
    var records = [];
    var dateColumn = -1;
    var header = null;
    var rowNumber = 0;
    byName(parseXml(sheetText), "row").forEach(function (row) {
      rowNumber = parseInt(row.getAttribute("r"), 10) || rowNumber + 1;
      var cells = [];
      var numeric = [];
      var position = -1;
      childrenNamed(row, "c").forEach(function (cell) {
        var at = columnIndex(cell.getAttribute("r"));
        position = at >= 0 ? at : position + 1;
        var type = cell.getAttribute("t") || "n";
        var valueNode = childrenNamed(cell, "v")[0];
        var raw = valueNode ? valueNode.textContent : "";
        var text;
        if (type === "s") { text = shared[parseInt(raw, 10)] || ""; }
        else if (type === "inlineStr") { text = childrenNamed(cell, "is").map(runText).join(""); }
        else if (type === "d") { text = raw.slice(0, 10); }
        else { text = raw; }
        while (cells.length < position) { cells.push(""); numeric.push(false); }
        cells[position] = text;
        numeric[position] = type === "n" && raw !== "";
      });
      if (!cells.some(isFilled)) { return; }
      if (header === null) {
        header = cells.map(normaliseColumn);
        dateColumn = header.indexOf("date_naissance");
      } else if (dateColumn >= 0 && numeric[dateColumn]) {
        cells[dateColumn] = serialToIso(parseFloat(cells[dateColumn]), date1904);
      }
      records.push({ line: rowNumber, cells: cells });
    });
    return records;
  }

  // --- From records to people ----------------------------------------------------------------------------

  function normaliseColumn(name) {
    var text = String(name || "").trim().toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/[\s\-'.]+/g, "_").replace(/^_+|_+$/g, "");
    return COLUMN_ALIASES[text] || text;
  }

  /* "#LK2 lignes_ecartees=3;date_absente=2" -> {total: 3, reasons: {date_absente: 2}}, or a ListError. */
  function parseMagic(line) {
    var bad = new ListError("La première ligne du fichier de clés doit être « " + MAGIC + " " +
      SET_ASIDE_FIELD + "=<nombre> » : recalculez-le avec parcours-linkage-keys.");
    var counts = {};
    var parts = String(line).trim().slice(MAGIC.length).split(";");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (!part) { continue; }
      var m = /^([a-z][a-z0-9_]{0,39})=(\d{1,6})$/.exec(part);
      if (!m || m[1] in counts) { throw bad; }
      counts[m[1]] = parseInt(m[2], 10);
    }
    if (!(SET_ASIDE_FIELD in counts)) { throw bad; }
    var total = counts[SET_ASIDE_FIELD];
    delete counts[SET_ASIDE_FIELD];
    return { total: total, reasons: counts };
  }

  /* A keys file's row, checked: {keys, band, sex, online} or null. */
  function keysRow(item) {
    var keys = String(item.cles || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!keys.length || keys.length > MAX_KEYS_PER_ROW) { return null; }
    if (!keys.every(function (k) { return /^[0-9a-f]{64}$/.test(k); })) { return null; }
    var bandText = String(item.tranche_age).trim();
    var band = AGE_BANDS.filter(function (b) { return b[2] === bandText || b[3] === bandText; })[0];
    var sex = String(item.sexe).trim();
    var online = String(item.en_ligne || "").trim().toLowerCase();
    if (!band || ["1", "2", "9"].indexOf(sex) < 0) { return null; }
    if (KEYS_YES.indexOf(online) < 0 && KEYS_NO.indexOf(online) < 0) { return null; }
    return { keys: keys, band: band[2], sex: sex, online: KEYS_YES.indexOf(online) >= 0 };
  }

  /* A list of names, or a keys file v2: {kind: "names"|"keys", items: [...], setAside}; refuses a file
   * mixing both, an LK1 keys file, and a keys file with a bad row (checked here, sent as computed). */
  function interpret(records, magic) {
    records = records.filter(function (r) { return r.cells.some(isFilled); });
    if (records.length && magic === undefined && /^#LK/i.test(String(records[0].cells[0]).trim())) {
      magic = records[0].cells.filter(isFilled).join(";");  // a keys file opened and saved in a spreadsheet
      records = records.slice(1);
    }
    if (magic !== undefined && !/^#LK2(\s|$)/.test(String(magic).trim())) { throw new ListError(LK1_FILE); }
    if (!records.length) { throw new ListError("Le fichier est vide."); }
    var header = records[0].cells.map(normaliseColumn);
    if (header.indexOf("cle") >= 0 && header.indexOf("cles") < 0) { throw new ListError(LK1_FILE); }
    var kind = magic !== undefined || header.indexOf("cles") >= 0 ? "keys" : "names";
    if (kind === "keys" && IDENTITY_COLUMNS.some(function (c) { return header.indexOf(c) >= 0; })) {
      throw new ListError("Ce fichier contient à la fois des clés et des noms ou des dates de naissance : " +
        "chargez soit la liste des personnes, soit le fichier de clés produit par parcours-linkage-keys.");
    }
    var required = kind === "keys" ? KEY_COLUMNS : NAME_COLUMNS;
    var missing = required.filter(function (c) { return header.indexOf(c) < 0; });
    if (missing.length) {
      throw new ListError("Colonnes manquantes dans la première ligne du fichier : " + missing.join(", ") +
        ". Attendu : nom, prenom, date_naissance, sexe et, facultativement, en_ligne.");
    }
    var items = records.slice(1).map(function (record) {
      var item = { kind: kind, source: "file", line: record.line };
      header.forEach(function (column, i) {
        if (required.indexOf(column) >= 0 || column === "en_ligne") { item[column] = record.cells[i] || ""; }
      });
      return item;
    });
    if (kind === "names") { return { kind: kind, items: items, setAside: { total: 0, reasons: {} } }; }
    if (magic === undefined) {
      throw new ListError("Ce fichier de clés n'a pas de première ligne « " + MAGIC + " " + SET_ASIDE_FIELD +
        "=… » : recalculez-le avec la version actuelle de parcours-linkage-keys.");
    }
    var setAside = parseMagic(magic);
    var bad = [];
    items.forEach(function (item) {
      item.record = keysRow(item);
      if (!item.record) { bad.push(item.line); }
    });
    if (bad.length) {
      var shown = bad.slice(0, MAX_LINES_SHOWN).join(", ") +
        (bad.length > MAX_LINES_SHOWN ? " et " + (bad.length - MAX_LINES_SHOWN) + " autres" : "");
      throw new ListError("Fichier de clés refusé : " + plural(bad.length, "ligne illisible", "lignes illisibles") +
        " (" + shown + "). Recalculez-le avec parcours-linkage-keys.");
    }
    return { kind: kind, items: items, setAside: setAside };
  }

  async function readFile(file) {
    if (file.size > MAX_FILE_BYTES) { throw new ListError("Ce fichier dépasse 20 Mo : découpez la liste."); }
    var bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
      return interpret(await readXlsx(bytes));
    }
    if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
      throw new ListError("Les classeurs Excel 97-2003 (.xls) ne sont pas lus : enregistrez la liste au " +
        "format .xlsx ou .csv.");
    }
    var text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); }
    catch (error) { text = new TextDecoder("windows-1252").decode(bytes); }  // Excel's "CSV (;)" on Windows
    if (text.indexOf("\u0000") >= 0) {
      throw new ListError("Ce fichier n'est ni un CSV ni un classeur XLSX.");
    }
    text = text.replace(/^\ufeff/, "");
    if (/^#LK/i.test(text)) {  // a keys file: its first line is not CSV
      var end = text.search(/\r?\n|\r/);
      var magic = end < 0 ? text : text.slice(0, end);
      var rest = end < 0 ? "" : text.slice(end).replace(/^(\r\n|\r|\n)/, "");
      return interpret(parseCsv(rest).map(function (r) { return { line: r.line + 1, cells: r.cells }; }), magic);
    }
    return interpret(parseCsv(text));
  }

  /* The date order the list's birth dates need: "dm" when the column shows day/month or cannot be misread,
   * null when the user must choose (month/day evidence, no evidence either way, or both orders). */
  function dateOrderNeeded(items) {
    var evidence = window.ParcoursLinkage.dateOrderEvidence(items.filter(function (item) {
      return item.kind === "names";
    }).map(function (item) { return item.date_naissance; }));
    return { evidence: evidence, ask: ["md", "ambiguous", "inconsistent"].indexOf(evidence) >= 0 };
  }

  function bandCode(label) {
    return AGE_BANDS.filter(function (b) { return b[3] === label; })[0][2];
  }

  /* One person → one payload record; a row that gives no key rejects with a ParcoursLinkage.SetAside. */
  async function recordOf(item, key, referenceIso, order) {
    if (item.kind === "keys") { return item.record; }
    var L = window.ParcoursLinkage;
    var born = L.parseDate(item.date_naissance, order);
    var keys = await L.personKeys(key, item.nom, item.prenom, born, { reference: referenceIso });
    return {
      keys: keys,
      band: bandCode(L.ageBand(born, referenceIso)),
      sex: L.sexCode(item.sexe),
      online: ONLINE_YES.indexOf(String(item.en_ligne || "").trim().toLowerCase()) >= 0
    };
  }

  function payloadOf(records, setAside) {
    var reasons = Object.keys(setAside.reasons).sort().map(function (reason) {
      return ";" + reason + "=" + setAside.reasons[reason];
    }).join("");
    return MAGIC + " " + SET_ASIDE_FIELD + "=" + setAside.total + reasons + "\n" + PAYLOAD_HEADER + "\n" +
      records.map(function (r) {
        return [r.keys.join(" "), r.band, r.band === "lt18" ? "oui" : "non", r.sex, r.online ? "oui" : "non"]
          .join(",");
      }).join("\n") + "\n";
  }

  /* Compute the payload of `items`: {records, rejected: [{source, line, reason}], duplicates, setAside,
   * payload}. `fileSetAside`: the rows a keys file says were set aside when it was computed. */
  async function computeList(items, phrase, campaignCode, referenceIso, options) {
    options = options || {};
    var order = options.order || "dm";
    var key = null;
    if (items.some(function (item) { return item.kind !== "keys"; })) {
      key = await window.ParcoursLinkage.deriveKey(phrase, campaignCode);  // rejects a short phrase
    }
    var records = [];
    var rejected = [];
    var setAside = { total: 0, reasons: {} };
    function count(reason, n) {
      setAside.total += n;
      setAside.reasons[reason] = (setAside.reasons[reason] || 0) + n;
    }
    var fileSetAside = options.fileSetAside || { total: 0, reasons: {} };
    setAside.total += fileSetAside.total;
    Object.keys(fileSetAside.reasons).forEach(function (r) {
      setAside.reasons[r] = (setAside.reasons[r] || 0) + fileSetAside.reasons[r];
    });
    for (var i = 0; i < items.length; i++) {
      try { records.push(await recordOf(items[i], key, referenceIso, order)); }
      catch (error) {
        if (!(error instanceof window.ParcoursLinkage.SetAside)) { throw error; }
        rejected.push({ source: items[i].source, line: items[i].line, reason: error.reason });
        count(error.reason, 1);
      }
    }
    var seen = {};
    var duplicates = 0;
    records.forEach(function (r) {
      var identity = r.keys.slice().sort().join(" ");
      if (seen[identity]) { duplicates += 1; } else { seen[identity] = true; }
    });
    return {
      records: records, rejected: rejected, duplicates: duplicates, setAside: setAside,
      payload: payloadOf(records, setAside)
    };
  }

  window.ParcoursDiagnosticList = {
    parseCsv: parseCsv, readXlsx: readXlsx, readFile: readFile, interpret: interpret,
    serialToIso: serialToIso, computeList: computeList, dateOrderNeeded: dateOrderNeeded
  };

  // --- The page ------------------------------------------------------------------------------------------

  var root = document.getElementById("diagnostic-list");
  if (!root) { return; }
  if (!window.ParcoursLinkage || !window.crypto || !window.crypto.subtle || !window.TextDecoder) {
    document.getElementById("no-crypto").hidden = false;  // an old browser, or a page not served over https
    return;
  }

  var campaignCode = root.getAttribute("data-campaign-code");
  var referenceIso = root.getAttribute("data-reference-date");
  var maxRows = parseInt(root.getAttribute("data-max-rows"), 10) || 5000;
  var fileInput = document.getElementById("list-file");
  var fileStatus = document.getElementById("file-status");
  var fileError = document.getElementById("file-error");
  var clearFile = document.getElementById("clear-file");
  var clearFileGroup = document.getElementById("clear-file-group");  // .fr-btn would override [hidden]
  var typedBody = document.getElementById("typed-body");
  var rowTemplate = document.getElementById("typed-row");
  var addRow = document.getElementById("add-row");
  var phrase = document.getElementById("phrase");
  var computeButton = document.getElementById("compute");
  var listError = document.getElementById("list-error");
  var computeStatus = document.getElementById("compute-status");
  var form = document.getElementById("send-form");
  var payload = document.getElementById("payload");
  var send = document.getElementById("send");
  var dateOrderGroup = document.getElementById("date-order-group");  // .fr-fieldset would override [hidden]
  var dateOrderFieldset = document.getElementById("date-order");
  var dateOrderHint = document.getElementById("date-order-hint");
  var dateOrderMessages = document.getElementById("date-order-messages");
  var dateOrderInputs = Array.prototype.slice.call(root.querySelectorAll("input[name=date-order]"));
  var fileItems = [];
  var fileSetAside = { total: 0, reasons: {} };
  var computed = false;
  var generation = 0;  // a computation started before a change of the list is not used
  var fileGeneration = 0;  // nor a file read when another file was chosen meanwhile

  function showError(region, message) {
    region.querySelector("p").textContent = message;
    region.hidden = !message;
  }

  function invalidate() {
    generation += 1;
    payload.value = "";
    send.disabled = true;
    if (computed) {
      computed = false;
      computeStatus.textContent = "La liste a changé : calculez de nouveau les clés avant l'envoi.";
    }
  }

  // Typed rows.
  var TYPED_LABELS = {
    nom: "Nom", prenom: "Prénom", date_naissance: "Date de naissance (JJ/MM/AAAA)", sexe: "Sexe",
    en_ligne: "Repérée en ligne"
  };

  function typedRows() { return Array.prototype.slice.call(typedBody.querySelectorAll("tr")); }

  function renumber() {
    typedRows().forEach(function (tr, i) {
      tr.querySelector(".typed-number").textContent = String(i + 1);
      tr.querySelectorAll("[data-field]").forEach(function (input) {
        var label = TYPED_LABELS[input.getAttribute("data-field")];
        input.setAttribute("aria-label", label + ", ligne " + (i + 1));
      });
      tr.querySelector("[data-action=remove-row]").setAttribute("aria-label", "Retirer la ligne " + (i + 1));
    });
  }

  function appendRow(focus) {
    var tr = rowTemplate.content.firstElementChild.cloneNode(true);
    typedBody.appendChild(tr);
    renumber();
    if (focus) { tr.querySelector("[data-field=nom]").focus(); }
  }

  function typedItems() {
    var items = [];
    typedRows().forEach(function (tr, i) {
      var item = { kind: "names", source: "typed", line: i + 1 };
      tr.querySelectorAll("[data-field]").forEach(function (input) {
        item[input.getAttribute("data-field")] = input.value;
      });
      var blank = !String(item.nom).trim() && !String(item.prenom).trim() &&
        !String(item.date_naissance).trim() && !item.sexe && item.en_ligne !== "oui";
      if (!blank) { items.push(item); }
    });
    return items;
  }

  addRow.addEventListener("click", function () { appendRow(true); invalidate(); });
  typedBody.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action=remove-row]");
    if (!button) { return; }
    var tr = button.closest("tr");
    var next = tr.nextElementSibling || tr.previousElementSibling;
    tr.remove();
    renumber();
    invalidate();
    (next ? next.querySelector("[data-action=remove-row]") : addRow).focus();
  });
  root.addEventListener("input", function (event) { if (event.target !== fileInput) { invalidate(); } });
  root.addEventListener("change", function (event) { if (event.target !== fileInput) { invalidate(); } });

  // The file.
  function forgetFile() {
    fileGeneration += 1;
    fileItems = [];
    fileSetAside = { total: 0, reasons: {} };
    resetDateOrder();
    askDateOrder(false);
    fileInput.value = "";
    fileStatus.textContent = "";
    clearFileGroup.hidden = true;
    computeButton.disabled = false;
  }

  fileInput.addEventListener("change", async function () {
    invalidate();
    showError(fileError, "");
    var file = fileInput.files && fileInput.files[0];
    fileItems = [];
    fileStatus.textContent = file ? "Lecture du fichier…" : "";
    clearFileGroup.hidden = !file;
    fileGeneration += 1;
    if (!file) { return; }
    var mine = fileGeneration;
    fileSetAside = { total: 0, reasons: {} };
    computeButton.disabled = true;  // the file's rows are not there yet
    try {
      var read = await readFile(file);
      if (mine !== fileGeneration) { return; }
      fileItems = read.items;
      fileSetAside = read.setAside;
      fileStatus.textContent = "Fichier lu sur votre poste : " +
        plural(read.items.length, "ligne", "lignes") +
        (read.kind === "keys" ? " de clés déjà calculées (" +
          plural(read.setAside.total, "ligne écartée", "lignes écartées") + " lors de leur calcul)." :
          " de personnes.");
      resetDateOrder();
      askDateOrder(fileItems.concat(typedItems()));
      invalidate();
    } catch (error) {
      if (mine !== fileGeneration) { return; }
      forgetFile();
      showError(fileError, error instanceof ListError ? error.message :
        "Le fichier n'a pas pu être lu : enregistrez-le au format .csv (UTF-8) ou .xlsx.");
    } finally {
      if (mine === fileGeneration) { computeButton.disabled = false; }
    }
  });
  clearFile.addEventListener("click", function () {
    forgetFile();
    showError(fileError, "");
    invalidate();
    fileInput.focus();
  });

  // The order of day and month in the birth dates: asked when the column shows month/day or cannot tell.
  var DATE_ORDER_HINTS = {
    md: "Des dates de la liste ont un deuxième nombre supérieur à 12 (par exemple 03/25/1990) : elles " +
      "semblent écrites mois/jour. Indiquez l'ordre utilisé par votre liste.",
    ambiguous: "Aucune date de la liste n'a de nombre supérieur à 12 avant l'année : elles peuvent être " +
      "écrites jour/mois ou mois/jour. Indiquez l'ordre utilisé par votre liste.",
    inconsistent: "La liste mêle des dates écrites jour/mois et d'autres écrites mois/jour. Indiquez l'ordre " +
      "de la plupart : une date impossible dans cet ordre sera écartée (comptée, jamais envoyée)."
  };

  function chosenOrder() {
    var checked = dateOrderInputs.filter(function (input) { return input.checked; })[0];
    return checked ? checked.value : null;
  }

  function resetDateOrder() {
    dateOrderInputs.forEach(function (input) { input.checked = false; });
    dateOrderError(false);
  }

  function dateOrderError(on) {
    dateOrderFieldset.classList.toggle("fr-fieldset--error", on);
    dateOrderMessages.textContent = "";
    if (on) {
      var message = document.createElement("p");
      message.className = "fr-message fr-message--error";
      message.id = "date-order-error";
      message.textContent = "Choisissez l'ordre du jour et du mois avant de calculer les clés.";
      dateOrderMessages.appendChild(message);
    }
  }

  /* Show the question when the list's dates need it; the order to use, or null while unanswered. */
  function askDateOrder(items) {
    var need = items ? dateOrderNeeded(items) : { ask: false };
    dateOrderGroup.hidden = !need.ask;
    if (!need.ask) { resetDateOrder(); return "dm"; }
    dateOrderHint.textContent = DATE_ORDER_HINTS[need.evidence];
    return chosenOrder();
  }

  function showDateOrderSummary() {
    listError.querySelector("p").textContent = "";
    var p = listError.querySelector("p");
    p.appendChild(document.createTextNode("Avant de calculer les clés : "));
    var link = document.createElement("a");
    link.href = "#date-order-dm";
    link.textContent = "choisissez l'ordre du jour et du mois des dates de naissance";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dateOrderInputs[0].focus();
    });
    p.appendChild(link);
    p.appendChild(document.createTextNode("."));
    listError.hidden = false;
    listError.focus();
  }

  dateOrderInputs.forEach(function (input) {
    input.addEventListener("change", function () {
      dateOrderError(false);
      if (!listError.hidden && listError.querySelector("a[href='#date-order-dm']")) { showError(listError, ""); }
    });
  });

  // The computation.
  function reasonLabel(reason) {
    return window.ParcoursLinkage.REASONS[reason] || reason.replace(/_/g, " ");
  }

  /* « date de naissance absente : lignes 3, 7 ; écriture non prise en charge : ligne 12 » (numbers only). */
  function lineList(rejected, source) {
    var byReason = {};
    var order = [];
    rejected.filter(function (r) { return r.source === source; }).forEach(function (r) {
      if (!byReason[r.reason]) { byReason[r.reason] = []; order.push(r.reason); }
      byReason[r.reason].push(r.line);
    });
    return order.map(function (reason) {
      var lines = byReason[reason];
      var shown = lines.slice(0, MAX_LINES_SHOWN).join(", ");
      if (lines.length > MAX_LINES_SHOWN) { shown += " et " + (lines.length - MAX_LINES_SHOWN) + " autres"; }
      return reasonLabel(reason) + " : " + (lines.length > 1 ? "lignes " : "ligne ") + shown;
    }).join(" ; ");
  }

  function showSummary(result) {
    computeStatus.textContent = "";
    var n = result.records.length;
    var minors = result.records.filter(function (r) { return r.band === "lt18"; }).length;
    var online = result.records.filter(function (r) { return r.online; }).length;
    var summary = document.createElement("p");
    summary.setAttribute("data-testid", "compute-summary");
    summary.textContent = plural(n, "personne a ses clés calculées", "personnes ont leurs clés calculées") +
      " (dont " + plural(minors, "mineur·e", "mineur·es") + ", " +
      plural(online, "personne repérée", "personnes repérées") + " en ligne) ; " +
      plural(result.setAside.total, "ligne écartée", "lignes écartées") + " ; " +
      plural(result.duplicates, "doublon", "doublons") +
      " (mêmes clés sur plusieurs lignes : une seule est comptée).";
    computeStatus.appendChild(summary);
    var sources = [["file", "Lignes écartées du fichier — "], ["typed", "Lignes écartées du tableau — "]];
    sources.forEach(function (s) {
      var text = lineList(result.rejected, s[0]);
      if (!text) { return; }
      var p = document.createElement("p");
      p.setAttribute("data-testid", "rejected-" + s[0]);
      p.textContent = s[1] + text + ".";
      computeStatus.appendChild(p);
    });
    if (fileSetAside.total) {
      var fromKeys = document.createElement("p");
      fromKeys.setAttribute("data-testid", "rejected-keys-file");
      fromKeys.textContent = "Le fichier de clés compte " +
        plural(fileSetAside.total, "ligne écartée", "lignes écartées") + " lors de son calcul.";
      computeStatus.appendChild(fromKeys);
    }
    if (n) {
      var ready = document.createElement("p");
      ready.setAttribute("data-testid", "send-summary");
      ready.textContent = "Vérifiez ces nombres, puis envoyez : Parcours recevra les clés de " +
        plural(n, "ligne", "lignes") + " et le nombre de lignes écartées (" + result.setAside.total +
        "), jamais leur contenu.";
      computeStatus.appendChild(ready);
    }
  }

  computeButton.addEventListener("click", async function () {
    computed = false;
    invalidate();
    showError(listError, "");
    var items = fileItems.concat(typedItems());
    if (!items.length) {
      showError(listError, "Aucune personne à traiter : chargez un fichier ou saisissez au moins une ligne.");
      return;
    }
    if (items.length > 4 * maxRows) {
      showError(listError, "La liste compte plus de " + 4 * maxRows + " lignes : découpez-la.");
      return;
    }
    var order = askDateOrder(items);
    if (!order) {
      dateOrderError(true);
      showDateOrderSummary();
      return;
    }
    var mine = generation;
    computeButton.disabled = true;
    computeStatus.textContent = "Calcul des clés en cours…";
    try {
      var result = await computeList(items, phrase.value, campaignCode, referenceIso, {
        order: order, fileSetAside: fileSetAside
      });
      if (mine !== generation) { return; }
      showSummary(result);
      if (!result.records.length) {
        showError(listError, "Aucune clé n'a pu être calculée : corrigez les lignes écartées.");
        return;
      }
      if (result.records.length - result.duplicates > maxRows) {
        showError(listError, "La liste dépasse " + maxRows + " personnes : découpez-la ou contactez le " +
          "secrétariat.");
        return;
      }
      payload.value = result.payload;
      computed = true;
      send.disabled = false;
    } catch (error) {
      if (mine !== generation) { return; }
      computeStatus.textContent = "";
      var message = error && /^La phrase secrète/.test(error.message) ? error.message :
        "Le calcul des clés a échoué dans ce navigateur. Utilisez un navigateur récent ou la commande " +
        "parcours-linkage-keys.";
      showError(listError, message);
      if (/^La phrase secrète/.test(message)) { phrase.focus(); }
    } finally {
      computeButton.disabled = false;
    }
  });

  form.addEventListener("submit", function (event) {
    if (!payload.value) { event.preventDefault(); return; }
    window.setTimeout(function () { send.disabled = true; }, 0);  // sent once: the answer is a new page
  });

  appendRow(false);
  root.hidden = false;
}());
