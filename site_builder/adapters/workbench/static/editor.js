// The translators' workbench page: talks to the local JSON API (see docs/translation-guide.md).
// Translations are only ever put in the page as text (text nodes, textarea values); the HTML
// put in with innerHTML comes from the server's renderer: the English and the preview pass
// through the site's sanitiser there, and placeholders are the project's own MathML and code.
// The units come a page at a time, so only what is on screen is drawn, whatever the corpus.
"use strict";

const UI = {
  en: {
    file: "File", show: "Show", all: "all", missing: "missing", fuzzy: "fuzzy",
    translated: "translated", orphaned: "orphaned", problems: "with problems",
    language: "Language", interface: "Interface", keys: "Keys", save: "Save",
    override: "save despite the warnings", preview: "As readers will see it",
    key_save: "save", key_save_next: "save and go to the next unit needing work",
    key_next_missing: "next missing or fuzzy unit", key_next: "next / previous unit",
    key_accept: "accept the first suggestion", key_placeholder: "insert placeholder N",
    key_copy: "copy the English into the editor", key_token: "insert the next missing token",
    key_raw: "show or hide the HTML",
    saved: "Saved.", refused: "Not saved: see the problems under the field.",
    conflict: "Not saved: this unit changed on disk since it was loaded. Both versions are below; merge them and save again.",
    reload: "Reload the file", your_text: "Your text (not saved):", disk_text: "On disk now:",
    loading: "Loading…", none_left: "No missing or fuzzy unit left here.",
    accept: "Use", from_memory: "memory", from_fuzzy: "earlier translation",
    score: "similarity", glossary: "Glossary", must: "use", never: "never",
    stats: "{translated} of {units} translated, {missing} missing, {fuzzy} fuzzy",
    progress: "Corpus: {translated} of {units} translated ({percent}%), {missing} missing, {fuzzy} fuzzy",
    indexing: " · counting files {indexed}/{files}",
    placeholder_title: "Insert placeholder {n} (Alt+{n})", offline_error: "The workbench server does not answer.",
    unsaved: "unsaved changes", all_files: "— all files —", copy: "Copy English", html: "HTML",
    raw_label: "HTML (for experts)", missing_tokens: "Missing:", search: "Search", search_placeholder: "search the corpus",
    in_both: "both", in_source: "English", in_translation: "translation", hits: "{n} hits", no_hits: "No hits.",
    pretranslate: "Pretranslate from memory", pretranslated: "{n} units got a translation from memory, marked fuzzy for review.",
    prev_page: "Previous page", next_page: "Next page", page: "{from}–{to} of {total}",
    changed_english: "What changed in the English:", no_token: "Open the URL the command printed (with its token).",
    raw_only: "This value's HTML does not follow the English's blocks: edit it as HTML.",
    label_a: "link", label_strong: "B", label_em: "I", label_code: "code",
  },
  ja: {
    file: "ファイル", show: "表示", all: "すべて", missing: "未翻訳", fuzzy: "要確認",
    translated: "翻訳済み", orphaned: "孤立", problems: "問題あり",
    language: "言語", interface: "表示言語", keys: "キー操作", save: "保存",
    override: "警告があっても保存する", preview: "読者に見える表示",
    key_save: "保存", key_save_next: "保存して次の要作業の単位へ",
    key_next_missing: "次の未翻訳・要確認の単位へ", key_next: "次 / 前の単位へ",
    key_accept: "最初の候補を採用", key_placeholder: "プレースホルダー N を挿入",
    key_copy: "英語原文をエディターにコピー", key_token: "次の不足トークンを挿入",
    key_raw: "HTML の表示 / 非表示",
    saved: "保存しました。", refused: "保存していません。入力欄の下の問題を確認してください。",
    conflict: "保存していません。読み込んだ後にこの単位がディスク上で変更されました。両方の版を下に示します。統合してから保存してください。",
    reload: "ファイルを再読み込み", your_text: "入力した文（未保存）:", disk_text: "現在のディスク上の値:",
    loading: "読み込み中…", none_left: "ここに未翻訳・要確認の単位はもうありません。",
    accept: "採用", from_memory: "翻訳メモリ", from_fuzzy: "以前の翻訳",
    score: "類似度", glossary: "用語集", must: "使う訳語", never: "使わない訳語",
    stats: "{units} 件中 {translated} 件翻訳済み、未翻訳 {missing} 件、要確認 {fuzzy} 件",
    progress: "全体: {units} 件中 {translated} 件翻訳済み ({percent}%)、未翻訳 {missing} 件、要確認 {fuzzy} 件",
    indexing: " · ファイル集計中 {indexed}/{files}",
    placeholder_title: "プレースホルダー {n} を挿入 (Alt+{n})", offline_error: "ワークベンチのサーバーが応答しません。",
    unsaved: "未保存の変更", all_files: "— すべてのファイル —", copy: "英語をコピー", html: "HTML",
    raw_label: "HTML（上級者向け）", missing_tokens: "不足:", search: "検索", search_placeholder: "コーパスを検索",
    in_both: "両方", in_source: "英語", in_translation: "訳文", hits: "{n} 件", no_hits: "見つかりません。",
    pretranslate: "翻訳メモリで事前翻訳", pretranslated: "{n} 件に翻訳メモリの訳を入れました（要確認）。",
    prev_page: "前のページ", next_page: "次のページ", page: "{total} 件中 {from}–{to}",
    changed_english: "英語原文の変更点:", no_token: "コマンドが表示した URL（トークン付き）を開いてください。",
    raw_only: "この訳の HTML は原文のブロック構造と異なります。HTML として編集してください。",
    label_a: "リンク", label_strong: "太字", label_em: "斜体", label_code: "コード",
  },
};

const PAGE = 20;
const params = new URLSearchParams(location.search);
const state = {
  token: params.get("token") || sessionStorage.getItem("wb-token") || "",
  ui: "en", lang: "", file: "", show: params.get("show") || "all", offset: 0, total: 0,
  units: [], current: -1,
  drafts: new Map(),  // "lang|file|key" -> {blocks} or {value}: unsaved work kept across pages and files
};
// The token leaves the address bar (and history) at once; this tab keeps it for its requests.
if (params.get("token")) {
  sessionStorage.setItem("wb-token", params.get("token"));
  params.delete("token");
  history.replaceState(null, "", `${location.pathname}${params.toString() ? `?${params}` : ""}${location.hash}`);
}

function t(name, values) {
  let text = (UI[state.ui] || UI.en)[name] || UI.en[name] || name;
  for (const [key, value] of Object.entries(values || {})) text = text.split(`{${key}}`).join(String(value));
  return text;
}

function labels() {
  return { a: t("label_a"), strong: t("label_strong"), em: t("label_em"), code: t("label_code") };
}

async function api(method, path, query, body) {
  const search = new URLSearchParams({ lang: state.lang, ...query });
  const options = { method, headers: { Authorization: `Bearer ${state.token}` } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${path}?${search}`, options);
  } catch (error) {
    say(t("offline_error"), true);
    throw error;
  }
  return { status: response.status, data: await response.json() };
}

function say(text, bad) {
  const message = document.getElementById("wb-message");
  message.textContent = text;
  message.classList.toggle("wb-bad", Boolean(bad));
}

function applyUi() {
  document.documentElement.lang = state.ui;
  document.querySelectorAll("[data-ui]").forEach((node) => { node.textContent = t(node.dataset.ui); });
  document.querySelectorAll("[data-ui-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.uiPlaceholder); });
  document.getElementById("wb-ui").value = state.ui;
  const all = document.querySelector('#wb-file option[value="*"]');
  if (all) all.textContent = t("all_files");
  updateStats();
}

async function start() {
  if (!state.token) {  // opened by a link (the status page): the cookie of an earlier visit stands in
    const response = await fetch("/api/session", { credentials: "same-origin" });
    if (response.ok) {
      state.token = (await response.json()).token;
      sessionStorage.setItem("wb-token", state.token);
    }
  }
  if (!state.token) { say(t("no_token"), true); return; }
  const { data } = await api("GET", "/api/languages", {});
  Hidden.load(data.hidden);
  const langSelect = document.getElementById("wb-lang");
  for (const lang of data.languages) langSelect.append(new Option(lang, lang));
  state.lang = params.get("lang") && data.languages.includes(params.get("lang")) ? params.get("lang") : data.languages[0];
  langSelect.value = state.lang;
  // The interface speaks the translator's language: the target language when it has one.
  state.ui = localStorage.getItem("wb-ui") || (UI[state.lang] ? state.lang : "en");
  applyUi();
  langSelect.addEventListener("change", async () => { state.lang = langSelect.value; await loadFiles(); });
  document.getElementById("wb-file").addEventListener("change", (e) => openFile(e.target.value, 0));
  const filter = document.getElementById("wb-filter");
  filter.value = state.show;
  filter.addEventListener("change", () => { state.show = filter.value; openFile(state.file, 0); });
  document.getElementById("wb-ui").addEventListener("change", (e) => {
    state.ui = e.target.value;
    localStorage.setItem("wb-ui", state.ui);
    applyUi();
    renderUnits();
  });
  document.getElementById("wb-help-toggle").addEventListener("click", () => {
    const help = document.getElementById("wb-help");
    help.hidden = !help.hidden;
  });
  document.getElementById("wb-prev-page").addEventListener("click", () => openFile(state.file, Math.max(0, state.offset - PAGE)));
  document.getElementById("wb-next-page").addEventListener("click", () => {
    if (state.offset + PAGE < state.total) openFile(state.file, state.offset + PAGE);
  });
  document.getElementById("wb-search-form").addEventListener("submit", (event) => { event.preventDefault(); search(); });
  document.getElementById("wb-pretranslate").addEventListener("click", pretranslate);
  document.addEventListener("keydown", onKey);
  // A link in the English or a preview opens beside the editor, never in place of unsaved work.
  document.getElementById("wb-units").addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.closest(".wb-editor")) return;
    event.preventDefault();
    window.open(link.href, "_blank", "noopener,noreferrer");
  });
  window.addEventListener("beforeunload", (event) => {
    if (state.drafts.size) event.preventDefault();
  });
  await loadFiles();
}

async function loadFiles() {
  const { data } = await api("GET", "/api/files", { partial: "1" });
  state.fileRows = new Map(data.map((row) => [row.file, row]));
  const select = document.getElementById("wb-file");
  select.replaceChildren(new Option(t("all_files"), "*"));
  for (const row of data) select.append(new Option(fileLabel(row), row.file));
  const wanted = params.get("file");
  const first = data.find((row) => row.file === wanted) || data.find((row) => (row.missing || 0) + (row.fuzzy || 0) > 0) || data[0];
  const file = wanted === "*" ? "*" : first ? first.file : "*";
  select.value = file;
  await openFile(file, 0);
  pollProgress();
}

function fileLabel(row) {
  return row.pending ? row.file : `${row.file} (${row.translated}/${row.units})`;
}

async function pollProgress() {
  const { data } = await api("GET", "/api/progress", {});
  const percent = data.units ? Math.floor((100 * data.translated) / data.units) : 100;
  let text = t("progress", { ...data, percent });
  if (data.indexed < data.files) text += t("indexing", data);
  document.getElementById("wb-progress").textContent = text;
  if (data.indexed < data.files) setTimeout(pollProgress, 1500);
  else { refreshFileLabels(); refreshSuggestions(); }
}

// Units drawn before the memory was complete get its suggestions now, the editors untouched.
async function refreshSuggestions() {
  if (!state.units.some((unit) => unit.memory_pending)) return;
  const query = { file: state.file, offset: String(state.offset), limit: String(PAGE), show: state.show };
  const { status, data } = await api("GET", "/api/units", query);
  if (status !== 200) return;
  const fresh = new Map(data.units.map((unit) => [`${unit.file || state.file}|${unit.key}`, unit]));
  for (const unit of state.units) {
    const again = fresh.get(`${unit.file}|${unit.key}`);
    if (!again || !unit.node) continue;
    unit.suggestions = again.suggestions;
    unit.memory_pending = false;
    renderSuggestions(unit);
  }
}

async function refreshFileLabels() {
  const { data } = await api("GET", "/api/files", { partial: "1" });
  state.fileRows = new Map(data.map((row) => [row.file, row]));
  updateStats();
  const options = new Map(Array.from(document.getElementById("wb-file").options).map((o) => [o.value, o]));
  for (const row of data) if (options.has(row.file)) options.get(row.file).textContent = fileLabel(row);
}

// Open a page of a file's units (or, file "*", of every file's) in the current filter.
async function openFile(file, offset, focusKey) {
  say(t("loading"));
  state.file = file;
  const query = { file, offset: String(offset), limit: String(PAGE), show: state.show };
  if (focusKey) query.at = focusKey;
  const { status, data } = await api("GET", "/api/units", query);
  if (status !== 200) { say(data.error || String(status), true); return false; }
  state.offset = data.offset;
  state.total = data.total;
  state.units = data.units.map((unit) => prepare(unit, unit.file || file));
  state.current = -1;
  renderUnits();
  say("");
  if (focusKey) {
    const index = state.units.findIndex((u) => u.key === focusKey);
    if (index >= 0) setCurrent(index, true);
  }
  return true;
}

function prepare(unit, file) {
  const prepared = { ...unit, file };
  const kept = state.drafts.get(draftKey(prepared));
  prepared.raw = !unit.editor.blocks;
  prepared.blocks = unit.editor.blocks;
  prepared.draft = unit.value || "";
  if (kept) {
    prepared.dirty = true;
    if (kept.value !== undefined) { prepared.raw = true; prepared.draft = kept.value; }
    else prepared.blocks = Blocks.shape(unit.editor.source, kept.blocks);
  }
  return prepared;
}

function draftKey(unit) {
  return `${state.lang}|${unit.file}|${unit.key}`;
}

function updateStats() {
  const page = document.getElementById("wb-page");
  if (page) {
    page.textContent = state.total ? t("page", { from: state.offset + 1, to: state.offset + state.units.length, total: state.total }) : "";
  }
  const stats = document.getElementById("wb-file-stats");
  const row = (state.fileRows || new Map()).get(state.file);
  if (!stats) return;
  stats.textContent = row && !row.pending ? t("stats", row) : "";
}

function renderUnits() {
  const main = document.getElementById("wb-units");
  const template = document.getElementById("wb-unit-template");
  main.replaceChildren();
  state.units.forEach((unit, index) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.index = index;
    node.dataset.unitId = unit.id;
    node.dataset.unitKey = unit.key;
    node.dataset.file = unit.file;
    unit.node = node;
    node.querySelector(".wb-id").textContent = state.file === "*" ? `${unit.file} · ${unit.id}` : unit.id;
    Hidden.mark(Object.assign(node.querySelector(".wb-english"), { innerHTML: unit.english_html }));  // server-rendered, sanitised
    node.querySelectorAll("[data-ui]").forEach((n) => { n.textContent = t(n.dataset.ui); });
    const editor = node.querySelector(".wb-editor");
    const field = node.querySelector(".wb-value");
    editor.setAttribute("aria-label", unit.id);
    field.setAttribute("aria-label", `${unit.id} HTML`);
    if (unit.blocks) Blocks.render(editor, unit.blocks, unit.placeholders, labels());
    field.value = unit.draft;
    showHiddenInRaw(unit);
    editor.addEventListener("input", () => { Blocks.reveal(editor); edited(unit, false); });
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !(event.ctrlKey || event.metaKey)) event.preventDefault();  // blocks are the English's
    });
    editor.addEventListener("paste", (event) => {  // text only: markup comes from the tokens
      event.preventDefault();
      pasteText(editor, event.clipboardData.getData("text/plain").replace(/\s*\n\s*/g, " "));
    });
    field.addEventListener("input", () => edited(unit, true));
    editor.addEventListener("focus", () => setCurrent(index, false));
    field.addEventListener("focus", () => setCurrent(index, false));
    node.querySelector(".wb-save").addEventListener("click", () => save(unit));
    node.querySelector(".wb-copy").addEventListener("click", () => copySource(unit));
    node.querySelector(".wb-raw-toggle").addEventListener("click", () => toggleRaw(unit));
    showMode(unit);
    renderPlaceholders(unit);
    renderSuggestions(unit);
    renderGlossary(unit);
    renderFindings(unit, unit.findings);
    renderState(unit);
    if (unit.dirty) scheduleCheck(unit);
    main.append(node);
  });
  updateStats();
}

// Pasted text goes in as typed text, its hidden characters as badges (visible, and kept).
function pasteText(editor, text) {
  for (const node of Hidden.nodes(text)) {
    if (node.nodeType === Node.TEXT_NODE) document.execCommand("insertText", false, node.data);
    else Blocks.insert(editor, node);
  }
}

// A textarea cannot show badges: under the HTML, the same value once more with its hidden
// characters as badges, when it has any.
function showHiddenInRaw(unit) {
  const field = unit.node.querySelector(".wb-value");
  const shown = unit.node.querySelector(".wb-raw-shown");
  shown.hidden = !Hidden.has(field.value);
  if (shown.hidden) shown.replaceChildren();
  else Hidden.text(shown, field.value);
}

// The editor the translator types in: the blocks, or the HTML for a value that has none.
function showMode(unit) {
  const editor = unit.node.querySelector(".wb-editor");
  const raw = unit.node.querySelector(".wb-raw");
  const field = unit.node.querySelector(".wb-value");
  editor.hidden = unit.raw;
  raw.hidden = !unit.raw && !unit.showHtml;
  editor.toggleAttribute("data-editor", !unit.raw);
  field.toggleAttribute("data-editor", unit.raw);
  if (unit.raw && !unit.editor.blocks) say(t("raw_only"));
}

function toggleRaw(unit) {
  if (!unit.raw) {
    unit.showHtml = !unit.showHtml;
    showMode(unit);
    return;
  }
  if (!unit.editor.blocks && !unit.dirty) return;  // nothing to go back to
  unit.raw = false;
  showMode(unit);
}

function edited(unit, raw) {
  unit.dirty = true;
  if (raw) {
    unit.raw = true;
    unit.draft = unit.node.querySelector(".wb-value").value;
    showMode(unit);
    unit.node.querySelector(".wb-value").focus();
  } else {
    unit.blocks = Blocks.shape(unit.editor.source, payload(unit).blocks);
  }
  scheduleCheck(unit);
}

// What the editor holds now, as the API takes it.
function payload(unit) {
  if (unit.raw) return { value: unit.node.querySelector(".wb-value").value };
  return { blocks: Blocks.read(unit.node.querySelector(".wb-editor"), unit.editor.source) };
}

function renderState(unit) {
  const badge = unit.node.querySelector(".wb-state");
  badge.dataset.state = unit.state;
  badge.textContent = t(unit.state) + (unit.dirty ? ` · ${t("unsaved")}` : "");
}

// Chips: the unit's placeholders (click: insert), and the tokens of the English the text lacks.
function renderPlaceholders(unit) {
  const box = unit.node.querySelector(".wb-placeholders");
  box.replaceChildren();
  const missing = unit.raw ? [] : Blocks.missing(unit.editor.source, payload(unit).blocks);
  unit.missingTokens = missing;
  if (missing.length) {
    const label = document.createElement("span");
    label.className = "wb-label";
    label.textContent = t("missing_tokens");
    box.append(label);
  }
  for (const item of missing) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "wb-chip wb-missing";
    chip.append(Blocks.token(item, unit.placeholders, labels()));
    chip.addEventListener("click", () => insertToken(unit, item));
    box.append(chip);
  }
  if (!unit.raw) return;
  for (const placeholder of unit.placeholders) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "wb-chip";
    chip.title = t("placeholder_title", { n: placeholder.number });
    chip.dataset.number = placeholder.number;
    const number = document.createElement("span");
    number.className = "wb-num";
    number.textContent = placeholder.number;
    const shown = document.createElement("span");
    shown.innerHTML = placeholder.html;  // the project's own MathML / highlighted code
    chip.append(number, shown);
    chip.addEventListener("click", () => insertPlaceholder(unit, placeholder.number));
    box.append(chip);
  }
}

function renderSuggestions(unit) {
  const list = unit.node.querySelector(".wb-suggestions");
  list.replaceChildren();
  for (const suggestion of unit.suggestions) {
    const item = document.createElement("li");
    item.className = "wb-suggestion";
    const text = document.createElement("div");
    text.className = "wb-text";
    Hidden.text(text, suggestion.value);
    const meta = document.createElement("div");
    meta.className = "wb-meta";
    const source = suggestion.source === "fuzzy" ? t("from_fuzzy") : t("from_memory");
    meta.textContent = `${source} · ${suggestion.file} · ${t("score")} ${Math.round(suggestion.score * 100)}%`;
    const use = document.createElement("button");
    use.type = "button";
    use.className = "wb-accept";
    use.textContent = t("accept");
    use.addEventListener("click", () => accept(unit, suggestion));
    item.append(text, meta, use);
    if (suggestion.diff && suggestion.diff.some(([op]) => op !== "=")) item.append(renderDiff(suggestion.diff));
    list.append(item);
  }
}

// A fuzzy unit's word diff: what changed in the English since its old translation.
function renderDiff(diff) {
  const box = document.createElement("div");
  box.className = "wb-diff";
  const label = document.createElement("span");
  label.className = "wb-label";
  label.textContent = `${t("changed_english")} `;
  box.append(label);
  for (const [op, text] of diff) {
    const piece = document.createElement(op === "-" ? "del" : op === "+" ? "ins" : "span");
    box.append(Hidden.text(piece, text));
  }
  return box;
}

function renderGlossary(unit) {
  const list = unit.node.querySelector(".wb-glossary");
  list.replaceChildren();
  for (const term of unit.glossary) {
    const item = document.createElement("li");
    let text = `${t("glossary")}: ${term.en}`;
    if (term.required.length) text += ` → ${t("must")} ${term.required.join(" / ")}`;
    if (term.wrong.length) text += ` (${t("never")} ${term.wrong.join(" / ")})`;
    Hidden.text(item, text);
    if (term.note) item.title = term.note;
    list.append(item);
  }
}

function renderFindings(unit, findings, preview) {
  const list = unit.node.querySelector(".wb-findings");
  list.replaceChildren();
  for (const finding of findings || []) {
    const item = document.createElement("li");
    item.dataset.severity = finding.severity;
    item.dataset.check = finding.check;
    Hidden.text(item, `${finding.severity} ${finding.check}: ${finding.message}`);
    list.append(item);
  }
  const hasError = (findings || []).some((f) => f.severity === "error");
  unit.node.querySelector(".wb-editor").classList.toggle("wb-has-error", hasError);
  unit.node.querySelector(".wb-value").classList.toggle("wb-has-error", hasError);
  unit.hasProblems = (findings || []).length > 0;
  const wrap = unit.node.querySelector(".wb-preview-wrap");
  if (preview !== undefined) {
    wrap.hidden = !preview;
    Hidden.mark(Object.assign(unit.node.querySelector(".wb-preview"), { innerHTML: preview || "" }));  // sanitised by the server
  }
}

const timers = new Map();
function scheduleCheck(unit) {
  const sent = payload(unit);
  state.drafts.set(draftKey(unit), sent);
  showHiddenInRaw(unit);
  renderState(unit);
  renderPlaceholders(unit);
  clearTimeout(timers.get(unit.id));
  timers.set(unit.id, setTimeout(() => check(unit), 200));
}

async function check(unit) {
  const sent = JSON.stringify(payload(unit));
  const { status, data } = await api("POST", "/api/check", { file: unit.file }, { key: unit.key, ...JSON.parse(sent) });
  if (status !== 200 || JSON.stringify(payload(unit)) !== sent) return;
  renderFindings(unit, data.findings, data.preview);
  if (!unit.raw) unit.node.querySelector(".wb-value").value = data.value;  // the HTML the blocks make
  showHiddenInRaw(unit);
}

async function save(unit, thenNext) {
  const body = { key: unit.key, ...payload(unit), base: unit.value ?? null,
    override: unit.node.querySelector(".wb-override").checked };
  const { status, data } = await api("PUT", "/api/units", { file: unit.file }, body);
  const overrideLabel = unit.node.querySelector(".wb-override-label");
  const conflict = unit.node.querySelector(".wb-conflict");
  if (status === 200) {
    unit.state = data.state;
    unit.value = data.value || null;
    unit.dirty = false;
    state.drafts.delete(draftKey(unit));
    overrideLabel.hidden = true;
    unit.node.querySelector(".wb-override").checked = false;
    conflict.hidden = true;
    unit.node.querySelector(".wb-value").value = data.value;
    showHiddenInRaw(unit);
    renderFindings(unit, data.findings);
    renderState(unit);
    say(t("saved"));
    refreshFileLabels();
    if (thenNext) await nextMissing(true);
  } else if (status === 422) {
    renderFindings(unit, data.findings);
    overrideLabel.hidden = !data.override;
    say(t("refused"), true);
  } else if (status === 409) {
    showConflict(unit, data);
  } else {
    say(data.error || String(status), true);
  }
}

// Both versions stay in view: the translator's (still in the editor) and the one on disk.
function showConflict(unit, data) {
  const conflict = unit.node.querySelector(".wb-conflict");
  conflict.hidden = false;
  conflict.replaceChildren();
  const lines = [t("conflict"), "", t("disk_text"), data.disk_value || "—"];
  const text = document.createElement("div");
  Hidden.text(text, lines.join("\n"));
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "wb-reload";
  reload.textContent = t("reload");
  reload.addEventListener("click", () => reloadKeeping(unit));
  conflict.append(text, reload);
  // The next save is made knowing the disk's value: it replaces it only on purpose.
  unit.value = data.disk_value ?? null;
  say(t("conflict"), true);
}

async function reloadKeeping(unit) {
  const key = unit.key;
  await openFile(state.file, state.offset, key);
  const again = state.units.find((u) => u.key === key);
  if (!again) return;
  const note = again.node.querySelector(".wb-conflict");
  note.hidden = false;
  Hidden.text(note, `${t("disk_text")}\n${again.value || "—"}`);
}

function accept(unit, suggestion) {
  if (suggestion.blocks && !unit.raw) {
    unit.blocks = suggestion.blocks;
    Blocks.render(unit.node.querySelector(".wb-editor"), suggestion.blocks, unit.placeholders, labels());
  } else {
    unit.raw = true;
    unit.node.querySelector(".wb-value").value = suggestion.value;
    showMode(unit);
  }
  unit.dirty = true;
  focusEditor(unit);
  scheduleCheck(unit);
}

function copySource(unit) {
  if (unit.raw) {
    unit.node.querySelector(".wb-value").value = unit.key;
  } else {
    unit.blocks = unit.editor.source;
    Blocks.render(unit.node.querySelector(".wb-editor"), unit.editor.source, unit.placeholders, labels());
  }
  unit.dirty = true;
  focusEditor(unit);
  scheduleCheck(unit);
}

function insertToken(unit, item) {
  const editor = unit.node.querySelector(".wb-editor");
  Blocks.insert(editor, Blocks.token(item, unit.placeholders, labels()));
  editor.focus();
  edited(unit, false);
}

function insertPlaceholder(unit, number) {
  if (!unit.raw) {
    const item = unit.editor.source.flatMap((b) => b.items).find((i) => i.kind === "placeholder" && i.number === number);
    if (item) insertToken(unit, item);
    return;
  }
  const placeholder = unit.placeholders.find((p) => p.number === number);
  if (!placeholder) return;
  const field = unit.node.querySelector(".wb-value");
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  field.setRangeText(placeholder.insert, start, end, "end");
  field.focus();
  edited(unit, true);
}

function focusEditor(unit) {
  const target = unit.node.querySelector("[data-editor]");
  if (!target) return;
  target.focus();
  if (target.isContentEditable) {  // the caret at the end of the text
    const range = document.createRange();
    range.selectNodeContents(target);
    range.collapse(false);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
}

function setCurrent(index, focus) {
  if (state.current >= 0 && state.units[state.current]) state.units[state.current].node.classList.remove("wb-current");
  state.current = index;
  const unit = state.units[index];
  if (!unit) return;
  unit.node.classList.add("wb-current");
  if (focus) {
    unit.node.scrollIntoView({ block: "center" });
    focusEditor(unit);
  }
}

async function move(step) {
  const next = state.current + step;
  if (next >= 0 && next < state.units.length) { setCurrent(next, true); return; }
  if (step > 0 && state.offset + PAGE < state.total) {
    if (await openFile(state.file, state.offset + PAGE)) setCurrent(0, true);
  } else if (step < 0 && state.offset > 0) {
    if (await openFile(state.file, Math.max(0, state.offset - PAGE))) setCurrent(state.units.length - 1, true);
  }
}

// The next unit needing work after the current one: on this page, the following pages, then
// from the first page round to where it started.
async function nextMissing(afterSave) {
  const needs = (u) => (u.state === "missing" || u.state === "fuzzy" || u.hasProblems) && u.dirty !== true;
  const startOffset = state.offset;
  const startIndex = state.current;
  for (let index = state.current + 1; index < state.units.length; index += 1) {
    if (needs(state.units[index])) { setCurrent(index, true); return; }
  }
  const pages = [];
  for (let offset = startOffset + PAGE; offset < state.total; offset += PAGE) pages.push(offset);
  for (let offset = 0; offset < startOffset; offset += PAGE) pages.push(offset);
  for (const offset of pages) {
    if (!(await openFile(state.file, offset))) return;
    const index = state.units.findIndex(needs);
    if (index >= 0) { setCurrent(index, true); return; }
  }
  if (state.offset !== startOffset && !(await openFile(state.file, startOffset))) return;
  const index = state.units.findIndex((u, i) => i < startIndex && needs(u));
  if (index >= 0) { setCurrent(index, true); return; }
  say(afterSave ? `${t("saved")} ${t("none_left")}` : t("none_left"));
}

async function search() {
  const q = document.getElementById("wb-search").value;
  const where = document.getElementById("wb-search-in").value;
  const box = document.getElementById("wb-hits");
  box.replaceChildren();
  box.hidden = !q.trim();
  if (!q.trim()) return;
  const { data } = await api("GET", "/api/search", { q, in: where, limit: "200" });
  const head = document.createElement("p");
  head.textContent = data.hits.length ? t("hits", { n: data.hits.length }) : t("no_hits");
  const list = document.createElement("ol");
  for (const hit of data.hits) {
    const item = document.createElement("li");
    const link = document.createElement("button");
    link.type = "button";
    link.className = "wb-hit";
    link.textContent = `${hit.file} · ${t(hit.state)}`;
    link.addEventListener("click", async () => {
      document.getElementById("wb-file").value = hit.file;
      state.show = "all";
      document.getElementById("wb-filter").value = "all";
      await openFile(hit.file, 0, hit.key);
    });
    const english = document.createElement("div");
    Hidden.text(english, hit.english);
    const translated = document.createElement("div");
    translated.className = "wb-hit-translation";
    Hidden.text(translated, hit.translation || "—");
    item.append(link, english, translated);
    list.append(item);
  }
  box.append(head, list);
}

async function pretranslate() {
  const { status, data } = await api("POST", "/api/pretranslate", { file: state.file || "*" }, undefined);
  if (status !== 200) { say(data.error || String(status), true); return; }
  say(t("pretranslated", { n: data.units }));
  await openFile(state.file, state.offset);
}

function onKey(event) {
  const unit = state.units[state.current];
  const control = event.ctrlKey || event.metaKey;
  if (control && event.key === "Enter") {
    event.preventDefault();
    if (unit) save(unit, true);
  } else if (control && event.code === "KeyS") {
    event.preventDefault();
    if (unit) save(unit, false);
  } else if (!event.altKey || control) {
    return;
  } else if (event.code === "KeyN") {  // code, not key: Alt changes the key on macOS
    event.preventDefault();
    nextMissing();
  } else if (event.key === "ArrowDown") {
    event.preventDefault();
    move(1);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    move(-1);
  } else if (event.code === "KeyA") {
    event.preventDefault();
    if (unit && unit.suggestions.length) accept(unit, unit.suggestions[0]);
  } else if (event.code === "KeyC") {
    event.preventDefault();
    if (unit) copySource(unit);
  } else if (event.code === "KeyT") {
    event.preventDefault();
    if (unit && unit.missingTokens && unit.missingTokens.length) insertToken(unit, unit.missingTokens[0]);
  } else if (event.code === "KeyH") {
    event.preventDefault();
    if (unit) toggleRaw(unit);
  } else if (/^Digit[0-9]$/.test(event.code)) {
    event.preventDefault();
    if (unit) insertPlaceholder(unit, Number(event.code.slice(5)));
  }
}

document.addEventListener("DOMContentLoaded", start);
