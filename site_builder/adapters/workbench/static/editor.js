// The translators' workbench page: talks to the local JSON API (see docs/translation-guide.md).
// Translations are only ever put in the page as text (textarea values, textContent); the HTML
// put in with innerHTML comes from the server's renderer: the English and the preview pass
// through the site's sanitiser there, and placeholders are the project's own MathML and code.
"use strict";

const UI = {
  en: {
    file: "File", show: "Show", all: "all", missing: "missing", fuzzy: "fuzzy",
    translated: "translated", orphaned: "orphaned", problems: "with problems",
    language: "Language", interface: "Interface", keys: "Keys", save: "Save",
    override: "save despite the warnings", preview: "As readers will see it",
    key_save: "save", key_next_missing: "next missing or fuzzy unit", key_next: "next / previous unit",
    key_accept: "accept the first suggestion", key_placeholder: "insert placeholder N",
    saved: "Saved.", refused: "Not saved: see the problems under the field.",
    conflict: "Not saved: the file changed on disk since it was loaded. Reload to see the new version; your text is kept below.",
    reload: "Reload the file", your_text: "Your text (not saved):", disk_text: "On disk now:",
    loading: "Loading…", none_left: "No missing or fuzzy unit left in this file.",
    accept: "Use", from_memory: "memory", from_fuzzy: "earlier translation",
    score: "similarity", glossary: "Glossary", must: "use", never: "never",
    stats: "{translated} of {units} translated, {missing} missing, {fuzzy} fuzzy",
    placeholder_title: "Insert placeholder {n} (Alt+{n})", offline_error: "The workbench server does not answer.",
    unsaved: "unsaved changes",
  },
  ja: {
    file: "ファイル", show: "表示", all: "すべて", missing: "未翻訳", fuzzy: "要確認",
    translated: "翻訳済み", orphaned: "孤立", problems: "問題あり",
    language: "言語", interface: "表示言語", keys: "キー操作", save: "保存",
    override: "警告があっても保存する", preview: "読者に見える表示",
    key_save: "保存", key_next_missing: "次の未翻訳・要確認の単位へ", key_next: "次 / 前の単位へ",
    key_accept: "最初の候補を採用", key_placeholder: "プレースホルダー N を挿入",
    saved: "保存しました。", refused: "保存していません。入力欄の下の問題を確認してください。",
    conflict: "保存していません。読み込んだ後にファイルがディスク上で変更されました。再読み込みして新しい内容を確認してください。入力した文は下に残してあります。",
    reload: "ファイルを再読み込み", your_text: "入力した文（未保存）:", disk_text: "現在のディスク上の値:",
    loading: "読み込み中…", none_left: "このファイルに未翻訳・要確認の単位はもうありません。",
    accept: "採用", from_memory: "翻訳メモリ", from_fuzzy: "以前の翻訳",
    score: "類似度", glossary: "用語集", must: "使う訳語", never: "使わない訳語",
    stats: "{units} 件中 {translated} 件翻訳済み、未翻訳 {missing} 件、要確認 {fuzzy} 件",
    placeholder_title: "プレースホルダー {n} を挿入 (Alt+{n})", offline_error: "ワークベンチのサーバーが応答しません。",
    unsaved: "未保存の変更",
  },
};

const state = {
  token: new URLSearchParams(location.search).get("token") || "",
  ui: "en",
  lang: "", file: "", units: [], current: -1,
  drafts: new Map(),  // "lang|file|key" -> unsaved text, kept while other files are open
};
state.ui = localStorage.getItem("wb-ui") || ((navigator.language || "en").startsWith("ja") ? "ja" : "en");

function t(name, values) {
  let text = (UI[state.ui] || UI.en)[name] || UI.en[name] || name;
  for (const [key, value] of Object.entries(values || {})) text = text.split(`{${key}}`).join(String(value));
  return text;
}

async function api(method, path, params, body) {
  const query = new URLSearchParams({ lang: state.lang, ...params });
  const options = { method, headers: { Authorization: `Bearer ${state.token}` } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${path}?${query}`, options);
  } catch (error) {
    say(t("offline_error"), true);
    throw error;
  }
  const data = await response.json();
  return { status: response.status, data };
}

function say(text, bad) {
  const message = document.getElementById("wb-message");
  message.textContent = text;
  message.classList.toggle("wb-bad", Boolean(bad));
}

function applyUi() {
  document.documentElement.lang = state.ui;
  document.querySelectorAll("[data-ui]").forEach((node) => { node.textContent = t(node.dataset.ui); });
  document.getElementById("wb-ui").value = state.ui;
  updateStats();
}

async function start() {
  applyUi();
  const { data } = await api("GET", "/api/languages", {});
  const langSelect = document.getElementById("wb-lang");
  for (const lang of data.languages) langSelect.append(new Option(lang, lang));
  state.lang = data.languages[0];
  langSelect.addEventListener("change", async () => { state.lang = langSelect.value; await loadFiles(); });
  document.getElementById("wb-file").addEventListener("change", (e) => loadUnits(e.target.value));
  document.getElementById("wb-filter").addEventListener("change", applyFilter);
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
  document.addEventListener("keydown", onKey);
  // A link in the English or a preview opens beside the editor, never in place of unsaved work.
  document.getElementById("wb-units").addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link) return;
    event.preventDefault();
    window.open(link.href, "_blank", "noopener,noreferrer");
  });
  window.addEventListener("beforeunload", (event) => {
    if ((state.units || []).some((unit) => unit.dirty)) event.preventDefault();
  });
  await loadFiles();
}

async function loadFiles() {
  const { data } = await api("GET", "/api/files", {});
  state.files = data;
  const select = document.getElementById("wb-file");
  select.replaceChildren();
  for (const row of data) select.append(new Option(`${row.file} (${row.translated}/${row.units})`, row.file));
  const wanted = new URLSearchParams(location.search).get("file");
  const first = data.find((row) => row.file === wanted) || data.find((row) => row.missing + row.fuzzy > 0) || data[0];
  if (first) {
    select.value = first.file;
    await loadUnits(first.file);
  }
}

async function loadUnits(file) {
  say(t("loading"));
  state.file = file;
  const { status, data } = await api("GET", "/api/units", { file });
  if (status !== 200) { say(data.error || String(status), true); return; }
  state.units = data.map((unit) => {
    const kept = state.drafts.get(draftKey(unit));
    return { ...unit, draft: kept ?? (unit.value || ""), dirty: kept !== undefined };
  });
  state.current = -1;
  renderUnits();
  say("");
}

function draftKey(unit) {
  return `${state.lang}|${state.file}|${unit.key}`;
}

function updateStats() {
  const units = (state.units || []).filter((u) => u.state !== "orphaned");
  if (!units.length) return;
  const count = (name) => units.filter((u) => u.state === name).length;
  document.getElementById("wb-file-stats").textContent = t("stats", {
    units: units.length, translated: count("translated"), missing: count("missing"), fuzzy: count("fuzzy"),
  });
}

function renderUnits() {
  const main = document.getElementById("wb-units");
  const template = document.getElementById("wb-unit-template");
  main.replaceChildren();
  state.units.forEach((unit, index) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.index = index;
    node.dataset.unitId = unit.id;
    unit.node = node;
    node.querySelector(".wb-id").textContent = unit.id;
    node.querySelector(".wb-english").innerHTML = unit.english_html;  // server-rendered, sanitised
    const field = node.querySelector(".wb-value");
    field.value = unit.draft;
    field.setAttribute("aria-label", unit.id);
    field.addEventListener("input", () => { unit.draft = field.value; unit.dirty = true; scheduleCheck(unit); });
    if (unit.dirty) scheduleCheck(unit);
    field.addEventListener("focus", () => setCurrent(index, false));
    node.querySelector(".wb-save").addEventListener("click", () => save(unit));
    node.querySelectorAll("[data-ui]").forEach((n) => { n.textContent = t(n.dataset.ui); });
    renderPlaceholders(unit);
    renderSuggestions(unit);
    renderGlossary(unit);
    renderFindings(unit, unit.findings);
    renderState(unit);
    main.append(node);
  });
  applyFilter();
  updateStats();
}

function renderState(unit) {
  const badge = unit.node.querySelector(".wb-state");
  badge.dataset.state = unit.state;
  badge.textContent = t(unit.state) + (unit.dirty ? ` · ${t("unsaved")}` : "");
}

function renderPlaceholders(unit) {
  const box = unit.node.querySelector(".wb-placeholders");
  box.replaceChildren();
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
    text.textContent = suggestion.value;
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
    list.append(item);
  }
}

function renderGlossary(unit) {
  const list = unit.node.querySelector(".wb-glossary");
  list.replaceChildren();
  for (const term of unit.glossary) {
    const item = document.createElement("li");
    let text = `${t("glossary")}: ${term.en}`;
    if (term.required.length) text += ` → ${t("must")} ${term.required.join(" / ")}`;
    if (term.wrong.length) text += ` (${t("never")} ${term.wrong.join(" / ")})`;
    item.textContent = text;
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
    item.textContent = `${finding.severity} ${finding.check}: ${finding.message}`;
    list.append(item);
  }
  const hasError = (findings || []).some((f) => f.severity === "error");
  unit.node.querySelector(".wb-value").classList.toggle("wb-has-error", hasError);
  unit.hasProblems = (findings || []).length > 0;
  const wrap = unit.node.querySelector(".wb-preview-wrap");
  if (preview !== undefined) {
    wrap.hidden = !preview;
    unit.node.querySelector(".wb-preview").innerHTML = preview || "";  // sanitised by the server
  }
}

const timers = new Map();
function scheduleCheck(unit) {
  if (unit.dirty) state.drafts.set(draftKey(unit), unit.draft);
  renderState(unit);
  clearTimeout(timers.get(unit.id));
  timers.set(unit.id, setTimeout(() => check(unit), 200));
}

async function check(unit) {
  const sent = unit.draft;
  const { status, data } = await api("POST", "/api/check", { file: state.file }, { key: unit.key, value: sent });
  if (status === 200 && unit.draft === sent) renderFindings(unit, data.findings, data.preview);
}

async function save(unit) {
  const field = unit.node.querySelector(".wb-value");
  unit.draft = field.value;
  const override = unit.node.querySelector(".wb-override").checked;
  const { status, data } = await api("PUT", "/api/units", { file: state.file },
    { key: unit.key, value: unit.draft, override });
  const overrideLabel = unit.node.querySelector(".wb-override-label");
  const conflict = unit.node.querySelector(".wb-conflict");
  if (status === 200) {
    unit.state = data.state;
    unit.value = unit.draft;
    unit.dirty = false;
    state.drafts.delete(draftKey(unit));
    overrideLabel.hidden = true;
    unit.node.querySelector(".wb-override").checked = false;
    conflict.hidden = true;
    renderFindings(unit, data.findings);
    renderState(unit);
    updateStats();
    say(t("saved"));
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

function showConflict(unit, data) {
  const conflict = unit.node.querySelector(".wb-conflict");
  conflict.hidden = false;
  conflict.replaceChildren();
  const lines = [t("conflict"), "", t("your_text"), unit.draft, "", t("disk_text"), data.disk_value || "—"];
  const text = document.createElement("div");
  text.textContent = lines.join("\n");
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "wb-reload";
  reload.textContent = t("reload");
  reload.addEventListener("click", () => reloadKeeping(unit));
  conflict.append(text, reload);
  say(t("conflict"), true);
}

async function reloadKeeping(unit) {
  const drafts = new Map(state.units.filter((u) => u.dirty).map((u) => [u.key, u.draft]));
  await loadUnits(state.file);
  for (const other of state.units) {
    if (drafts.has(other.key) && drafts.get(other.key) !== (other.value || "")) {
      other.draft = drafts.get(other.key);
      other.dirty = true;
      other.node.querySelector(".wb-value").value = other.draft;
      renderState(other);
      const note = other.node.querySelector(".wb-conflict");
      note.hidden = false;
      note.textContent = `${t("disk_text")}\n${other.value || "—"}`;  // both stay in view
    }
  }
  const again = state.units.findIndex((u) => u.key === unit.key);
  if (again >= 0) setCurrent(again, true);
}

function accept(unit, suggestion) {
  const field = unit.node.querySelector(".wb-value");
  field.value = suggestion.value;
  unit.draft = suggestion.value;
  unit.dirty = true;
  field.focus();
  scheduleCheck(unit);
}

function insertPlaceholder(unit, number) {
  const placeholder = unit.placeholders.find((p) => p.number === number);
  if (!placeholder) return;
  const field = unit.node.querySelector(".wb-value");
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  field.setRangeText(placeholder.insert, start, end, "end");
  field.focus();
  unit.draft = field.value;
  unit.dirty = true;
  scheduleCheck(unit);
}

function visibleIndexes() {
  return state.units.map((u, i) => i).filter((i) => !state.units[i].node.hidden);
}

function setCurrent(index, focus) {
  if (state.current >= 0 && state.units[state.current]) state.units[state.current].node.classList.remove("wb-current");
  state.current = index;
  const unit = state.units[index];
  if (!unit) return;
  unit.node.classList.add("wb-current");
  if (focus) {
    unit.node.scrollIntoView({ block: "center" });
    unit.node.querySelector(".wb-value").focus();
  }
}

function move(step) {
  const shown = visibleIndexes();
  if (!shown.length) return;
  const at = shown.indexOf(state.current);
  const next = at < 0 ? shown[0] : shown[Math.min(shown.length - 1, Math.max(0, at + step))];
  setCurrent(next, true);
}

function nextMissing() {
  const count = state.units.length;
  for (let offset = 1; offset <= count; offset += 1) {
    const index = (Math.max(state.current, -1) + offset + count) % count;
    const unit = state.units[index];
    if ((unit.state === "missing" || unit.state === "fuzzy") && !unit.node.hidden) {
      setCurrent(index, true);
      return;
    }
  }
  say(t("none_left"));
}

function onKey(event) {
  const unit = state.units[state.current];
  if ((event.ctrlKey || event.metaKey) && (event.key === "Enter" || event.code === "KeyS")) {
    event.preventDefault();
    if (unit) save(unit);
  } else if (event.altKey && event.code === "KeyN") {  // code, not key: Alt changes the key on macOS
    event.preventDefault();
    nextMissing();
  } else if (event.altKey && event.key === "ArrowDown") {
    event.preventDefault();
    move(1);
  } else if (event.altKey && event.key === "ArrowUp") {
    event.preventDefault();
    move(-1);
  } else if (event.altKey && event.code === "KeyA") {
    event.preventDefault();
    if (unit && unit.suggestions.length) accept(unit, unit.suggestions[0]);
  } else if (event.altKey && /^Digit[0-9]$/.test(event.code)) {
    event.preventDefault();
    if (unit) insertPlaceholder(unit, Number(event.code.slice(5)));
  }
}

function applyFilter() {
  const filter = document.getElementById("wb-filter").value;
  for (const unit of state.units) {
    const shown = filter === "all" || unit.state === filter || (filter === "problems" && unit.hasProblems);
    unit.node.hidden = !shown;
  }
}

document.addEventListener("DOMContentLoaded", start);
