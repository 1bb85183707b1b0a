/*
 * The structure's list page of the diagnostic territorial (diagnostic/key_list.html): the list of people is
 * read IN THE BROWSER (a CSV file, an XLSX workbook or rows typed in a table), each person becomes a
 * pseudonymous key with ParcoursLinkage (linkage.js), and only the keys and non-identifying attributes are
 * put in the form's `payload` (header "cle,tranche_age,mineur,sexe,en_ligne", as parse_key_payload reads it).
 * No identity leaves this script: no request, no console output, no message quoting a row (a row that cannot
 * give a key is reported by its line number and a generic reason only).
 *
 * The XLSX reader is written here (no dependency): the ZIP central directory, DecompressionStream
 * ("deflate-raw") for the entries, DOMParser for xl/workbook.xml, its relationships, xl/sharedStrings.xml and
 * the first worksheet; numeric date cells (Excel serial days) become YYYY-MM-DD.
 */
(function () {
  "use strict";

  var PAYLOAD_HEADER = "cle,tranche_age,mineur,sexe,en_ligne";
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
  var KEY_COLUMNS = ["cle", "tranche_age", "sexe", "en_ligne"];
  var IDENTITY_COLUMNS = ["nom", "prenom", "date_naissance", "nom_naissance", "name", "first_name"];
  var COLUMN_ALIASES = {
    prenoms: "prenom", nom_de_naissance: "nom", nom_naissance: "nom", date_de_naissance: "date_naissance",
    ddn: "date_naissance", naissance: "date_naissance", cles: "cle", cle_de_rapprochement: "cle"
  };
  var MAX_FILE_BYTES = 20 * 1024 * 1024;
  var MAX_ENTRY_BYTES = 64 * 1024 * 1024;
  var MAX_LINES_SHOWN = 30;

  function ListError(message) { this.message = message; }

  function isFilled(cell) { return String(cell).trim() !== ""; }

  function plural(n, singular, pluralForm) { return n + " " + (n > 1 ? pluralForm : singular); }

  // --- Dates ---------------------------------------------------------------------------------------------

  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }

  function makeDate(y, m, d) {
    var date = new Date(Date.UTC(y, m - 1, d));
    if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return null;
    }
    return { y: y, m: m, d: d, iso: pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) };
  }

  /* JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA or AAAA-MM-JJ (as parcours-linkage-keys), an optional time after. */
  function parseDate(value) {
    var text = String(value || "").trim().replace(/[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, "");
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (m) { return makeDate(+m[1], +m[2], +m[3]); }
    m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(text);
    if (m) { return makeDate(+m[4], +m[3], +m[1]); }
    return null;
  }

  /* An Excel serial day number (1900 system: day 1 = 1900-01-01, with Excel's fictitious 29/02/1900). */
  function serialToIso(serial, date1904) {
    var days = Math.floor(serial);
    if (!isFinite(days) || days < 1) { return ""; }
    var epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    if (!date1904 && days < 61) { days += 1; }
    return new Date(epoch + days * 86400000).toISOString().slice(0, 10);
  }

  function ageOn(born, day) {
    var before = day.m < born.m || (day.m === born.m && day.d < born.d);
    return day.y - born.y - (before ? 1 : 0);
  }

  function ageBand(age) {
    for (var i = 0; i < AGE_BANDS.length; i++) {
      if (AGE_BANDS[i][0] <= age && age < AGE_BANDS[i][1]) { return AGE_BANDS[i][2]; }
    }
    return null;
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

  /* A list of names, or a keys file: {kind: "names"|"keys", items: [...]}; refuses a file mixing both. */
  function interpret(records) {
    records = records.filter(function (r) { return r.cells.some(isFilled); });
    if (!records.length) { throw new ListError("Le fichier est vide."); }
    var header = records[0].cells.map(normaliseColumn);
    var kind = header.indexOf("cle") >= 0 ? "keys" : "names";
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
    return { kind: kind, items: items };
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
    return interpret(parseCsv(text));
  }

  /* One person → one payload record, or a ListError whose message is a generic reason (never the row). */
  async function recordOf(item, key, reference) {
    if (item.kind === "keys") {
      var cle = String(item.cle).trim().toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(cle)) { throw new ListError("clé mal formée"); }
      var bandText = String(item.tranche_age).trim();
      var band = AGE_BANDS.filter(function (b) { return b[2] === bandText || b[3] === bandText; })[0];
      if (!band) { throw new ListError("tranche d'âge inconnue"); }
      var sex = String(item.sexe).trim();
      if (["1", "2", "9"].indexOf(sex) < 0) { throw new ListError("sexe inconnu"); }
      var online = String(item.en_ligne || "").trim().toLowerCase();
      if (KEYS_YES.indexOf(online) < 0 && KEYS_NO.indexOf(online) < 0) {
        throw new ListError("en_ligne illisible");
      }
      return { cle: cle, band: band[2], sex: sex, online: KEYS_YES.indexOf(online) >= 0 };
    }
    var born = parseDate(item.date_naissance);
    if (!born) { throw new ListError("date de naissance absente ou illisible"); }
    var age = ageOn(born, reference);
    if (age < 0 || born.iso > reference.iso) {
      throw new ListError("date de naissance postérieure à la date de référence");
    }
    var ageCode = ageBand(age);
    if (!ageCode) { throw new ListError("date de naissance invraisemblable"); }
    var digest;
    try { digest = await window.ParcoursLinkage.linkageKey(key, item.nom, item.prenom, born.iso, item.sexe); }
    catch (error) { throw new ListError("ligne illisible"); }
    return {
      cle: digest,
      band: ageCode,
      sex: window.ParcoursLinkage.sexCode(item.sexe),
      online: ONLINE_YES.indexOf(String(item.en_ligne || "").trim().toLowerCase()) >= 0
    };
  }

  function payloadOf(records) {
    return PAYLOAD_HEADER + "\n" + records.map(function (r) {
      return [r.cle, r.band, r.band === "lt18" ? "oui" : "non", r.sex, r.online ? "oui" : "non"].join(",");
    }).join("\n") + "\n";
  }

  /* Compute the payload of `items`: {records, rejected: [{source, line, reason}], duplicates, payload}. */
  async function computeList(items, phrase, campaignCode, referenceIso) {
    var reference = parseDate(referenceIso);
    var key = null;
    if (items.some(function (item) { return item.kind !== "keys"; })) {
      phrase = window.ParcoursPhrase.check(phrase);  // 7+ words of the list; the canonical phrase (phrase.js)
      key = await window.ParcoursLinkage.deriveKey(phrase, campaignCode);
    }
    var records = [];
    var rejected = [];
    for (var i = 0; i < items.length; i++) {
      try { records.push(await recordOf(items[i], key, reference)); }
      catch (error) {
        rejected.push({
          source: items[i].source, line: items[i].line,
          reason: error instanceof ListError ? error.message : "ligne illisible"
        });
      }
    }
    var seen = {};
    var duplicates = 0;
    records.forEach(function (r) { if (seen[r.cle]) { duplicates += 1; } else { seen[r.cle] = true; } });
    return { records: records, rejected: rejected, duplicates: duplicates, payload: payloadOf(records) };
  }

  window.ParcoursDiagnosticList = {
    parseCsv: parseCsv, readXlsx: readXlsx, readFile: readFile, interpret: interpret, parseDate: parseDate,
    serialToIso: serialToIso, computeList: computeList
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
  var fileItems = [];
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
    computeButton.disabled = true;  // the file's rows are not there yet
    try {
      var read = await readFile(file);
      if (mine !== fileGeneration) { return; }
      fileItems = read.items;
      fileStatus.textContent = "Fichier lu sur votre poste : " +
        plural(read.items.length, "ligne", "lignes") +
        (read.kind === "keys" ? " de clés déjà calculées." : " de personnes.");
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

  // The computation.
  function lineList(rejected, source) {
    var lines = rejected.filter(function (r) { return r.source === source; });
    var shown = lines.slice(0, MAX_LINES_SHOWN).map(function (r) { return r.line + " (" + r.reason + ")"; });
    if (lines.length > MAX_LINES_SHOWN) { shown.push("et " + (lines.length - MAX_LINES_SHOWN) + " autres"); }
    return shown.join(", ");
  }

  function showSummary(result) {
    computeStatus.textContent = "";
    var n = result.records.length;
    var minors = result.records.filter(function (r) { return r.band === "lt18"; }).length;
    var online = result.records.filter(function (r) { return r.online; }).length;
    var summary = document.createElement("p");
    summary.setAttribute("data-testid", "compute-summary");
    summary.textContent = plural(n, "clé calculée", "clés calculées") + " (dont " +
      plural(minors, "mineur·e", "mineur·es") + ", " +
      plural(online, "personne repérée", "personnes repérées") + " en ligne) ; " +
      plural(result.rejected.length, "ligne écartée", "lignes écartées") + " ; " +
      plural(result.duplicates, "doublon", "doublons") +
      " (même clé sur plusieurs lignes : une seule est comptée).";
    computeStatus.appendChild(summary);
    var sources = [["file", "Lignes écartées du fichier : "], ["typed", "Lignes écartées du tableau : "]];
    sources.forEach(function (s) {
      var text = lineList(result.rejected, s[0]);
      if (!text) { return; }
      var p = document.createElement("p");
      p.setAttribute("data-testid", "rejected-" + s[0]);
      p.textContent = s[1] + text + ".";
      computeStatus.appendChild(p);
    });
    if (n) {
      var ready = document.createElement("p");
      ready.textContent = "Vérifiez ces nombres, puis envoyez les clés.";
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
    var mine = generation;
    computeButton.disabled = true;
    computeStatus.textContent = "Calcul des clés en cours…";
    try {
      var result = await computeList(items, phrase.value, campaignCode, referenceIso);
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
