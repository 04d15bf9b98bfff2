// The workbench's editor of text: a unit's blocks (from GET /api/units' "editor") drawn in one
// contenteditable, and read back from it. Block tags are the editor's own blocks, never typed;
// inline tags and placeholders are atomic tokens (contenteditable=false) that can be moved or
// deleted, never broken. The server turns the blocks into the value's HTML (segments.py); this
// file only edits the list. Text is only ever put in the page as text nodes; a token's look is
// the server's own rendering (MathML, highlighted code) of what it stands for.
"use strict";

const ZWSP = "\u200b";  // a caret stop beside a token at a block's edge; never saved

// Hidden characters (bidi controls, control characters, zero-width ones; the server's table,
// render/controls.py) never reach the page as themselves, where they would reorder or hide the
// text: each is a badge naming it, which holds the character in data-hidden. In the editor a
// badge is atomic like a token: deleting it deletes the character, and reading gives it back.
const Hidden = {
  table: new Map(),
  pattern: null,

  load(entries) {
    Hidden.table = new Map((entries || []).map((entry) => [entry.char, entry]));
    const chars = (entries || []).map((entry) => `\\u{${entry.code.slice(2)}}`).join("");
    Hidden.pattern = chars ? new RegExp(`[${chars}]`, "u") : null;
  },

  has(text) {
    return Boolean(Hidden.pattern && text && Hidden.pattern.test(text));
  },

  badge(char) {
    const code = `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    const info = Hidden.table.get(char) || { code, short: code, name: "", severity: "error" };
    const span = document.createElement("span");
    span.className = "wb-hidden";
    span.contentEditable = "false";
    span.dir = "ltr";  // with unicode-bidi: isolate (editor.css): text around cannot reorder it
    span.dataset.hidden = char;
    span.dataset.severity = info.severity;
    span.setAttribute("role", "img");
    span.setAttribute("aria-label", `${info.name || info.short} ${info.code}`);
    span.title = `${info.name || info.short} (${info.code})`;
    span.textContent = `⟨${info.short} ${info.code}⟩`;
    return span;
  },

  // `text` as nodes: its runs of ordinary text, and a badge for each hidden character (but `keep`).
  nodes(text, keep) {
    if (!Hidden.has(text)) return [document.createTextNode(text)];
    const out = [];
    let run = "";
    for (const char of text) {
      if (char !== keep && Hidden.pattern.test(char)) {
        if (run) out.push(document.createTextNode(run));
        run = "";
        out.push(Hidden.badge(char));
      } else run += char;
    }
    if (run) out.push(document.createTextNode(run));
    return out;
  },

  // Set an element's text (what textContent would do), the hidden characters as badges.
  text(node, text) {
    node.replaceChildren(...Hidden.nodes(text));
    return node;
  },

  // Every text node under `root` (HTML the server rendered) with its hidden characters as badges.
  mark(root) {
    if (!Hidden.pattern) return root;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (Hidden.has(node.data) && !node.parentNode.closest(".wb-hidden")) found.push(node);
    }
    for (const node of found) node.replaceWith(...Hidden.nodes(node.data));
    return root;
  },
};

const Blocks = {
  // Draw a unit's blocks into `editor`; `placeholders` are the unit's rendered originals.
  render(editor, blocks, placeholders, labels) {
    editor.replaceChildren();
    blocks.forEach((block, index) => {
      const node = document.createElement("div");
      node.className = "wb-block";
      node.dataset.block = index;
      node.dataset.tag = block.tag || "";
      if (block.fixed) {
        node.contentEditable = "false";
        node.classList.add("wb-fixed");
      }
      for (const item of block.items) {
        if (typeof item === "string") node.append(...Hidden.nodes(item));
        else node.append(Blocks.token(item, placeholders, labels));
      }
      Blocks.pad(node);
      editor.append(node);
    });
  },

  // One protected token: what it stands for is shown, its HTML kept in data-token.
  token(item, placeholders, labels) {
    const span = document.createElement("span");
    span.className = "wb-token";
    span.contentEditable = "false";
    span.dataset.token = item.html;
    span.dataset.kind = item.kind;
    span.dataset.item = JSON.stringify(item);  // read back whole, to draw it again
    if (item.kind === "placeholder") {
      const shown = (placeholders || []).find((p) => p.number === item.number);
      const number = document.createElement("sup");
      number.className = "wb-num";
      number.textContent = item.number;
      const body = document.createElement("span");
      if (shown && shown.html) body.innerHTML = shown.html;  // the project's own MathML / code
      else body.textContent = (shown && shown.source) || `#${item.number}`;
      span.append(body, number);
      span.title = (shown && shown.source) || "";
    } else {
      const name = (labels && labels[item.tag]) || item.tag || "?";
      span.textContent = item.kind === "open" ? `⟨${name}` : item.kind === "close" ? `${name}⟩` : `⟨${name}⟩`;
      span.title = item.href ? item.href : item.html;
      span.dataset.tag = item.tag;
    }
    return span;
  },

  // Caret stops: a token (or badge) first or last in a block, or two side by side, get a ZWSP
  // between them so a click or End can put the caret there.
  pad(block) {
    if (block.classList.contains("wb-fixed")) return;
    const kids = Array.from(block.childNodes);
    const isToken = (n) => n && n.nodeType === 1 && (n.dataset.token !== undefined || n.dataset.hidden !== undefined);
    if (!kids.length) return;
    if (isToken(kids[0])) block.insertBefore(document.createTextNode(ZWSP), kids[0]);
    for (let i = 0; i < kids.length - 1; i += 1) {
      if (isToken(kids[i]) && isToken(kids[i + 1])) block.insertBefore(document.createTextNode(ZWSP), kids[i + 1]);
    }
    if (isToken(kids[kids.length - 1])) block.append(document.createTextNode(ZWSP));
  },

  // The editor's content as blocks of text and {html} tokens, one list per block of `shape`.
  // Whatever the browser did to the DOM (select all and type removes the block elements),
  // text lands in the block it follows, else the first; text beside a fixed block joins the
  // nearest editable one.
  read(editor, shape) {
    const blocks = shape.map(() => []);
    let current = shape.findIndex((b) => !b.fixed);
    if (current < 0) current = 0;
    const push = (item) => {
      const list = blocks[current];
      if (typeof item === "string") {
        if (!item) return;
        if (typeof list[list.length - 1] === "string") list[list.length - 1] += item;
        else list.push(item);
      } else {
        list.push(item);
      }
    };
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          push(child.data.split(ZWSP).join("").replace(/\u00a0/g, " "));
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.dataset.hidden !== undefined) push(child.dataset.hidden);  // a badge: its character
          else if (child.dataset.token !== undefined) push(child.dataset.item ? JSON.parse(child.dataset.item) : { html: child.dataset.token });
          else if (child.dataset.block !== undefined && shape[Number(child.dataset.block)]) {
            current = Number(child.dataset.block);
            walk(child);
          } else if (child.tagName !== "BR") walk(child);  // spans the browser added while typing
        }
      }
    };
    walk(editor);
    shape.forEach((block, index) => {
      if (!block.fixed) return;
      const stray = blocks[index].filter((item) => typeof item === "string" && item.trim());
      if (!stray.length) return;
      let target = index - 1;
      while (target >= 0 && shape[target].fixed) target -= 1;
      if (target < 0) target = shape.findIndex((b) => !b.fixed);
      if (target >= 0) blocks[target].push(...stray);
    });
    return blocks;
  },

  // Lists of items (as read) in the shape render() draws: each block's tag, fixed ones from the English.
  shape(source, lists) {
    return source.map((block, index) => ({ tag: block.tag, fixed: block.fixed,
      items: block.fixed ? block.items : (lists[index] || []) }));
  },

  // The tokens of the English no block of the editor holds (as many times as they are missing).
  missing(source, blocks) {
    const have = new Map();
    blocks.flat().forEach((item) => {
      if (typeof item !== "string") have.set(item.html, (have.get(item.html) || 0) + 1);
    });
    const gone = [];
    source.forEach((block) => {
      if (block.fixed) return;
      block.items.forEach((item) => {
        if (typeof item === "string") return;
        const left = have.get(item.html) || 0;
        if (left > 0) have.set(item.html, left - 1);
        else gone.push(item);
      });
    });
    return gone;
  },

  // Hidden characters that came in by typing or dropping text become badges as well, the caret
  // after the last; the editor's own caret stops (ZWSP in text nodes) stay what they are.
  reveal(editor) {
    if (!Hidden.pattern) return;
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentNode.closest(".wb-hidden, .wb-token") && Hidden.has(node.data.split(ZWSP).join(""))) found.push(node);
    }
    if (!found.length) return;
    let last = null;
    for (const node of found) {
      const parts = Hidden.nodes(node.data, ZWSP);
      node.replaceWith(...parts);
      last = parts.filter((part) => part.nodeType === 1).pop() || last;
    }
    const stop = document.createTextNode(ZWSP);
    last.after(stop);
    const range = document.createRange();
    range.setStart(stop, 1);
    range.collapse(true);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  },

  // Put a token at the caret (when the caret is in `editor`), else at the end of the first block.
  insert(editor, node) {
    const selection = window.getSelection();
    let range = selection.rangeCount ? selection.getRangeAt(0) : null;
    if (!range || !editor.contains(range.startContainer)) {
      const block = editor.querySelector(".wb-block:not(.wb-fixed)") || editor;
      range = document.createRange();
      range.selectNodeContents(block);
      range.collapse(false);
    }
    range.deleteContents();
    range.insertNode(node);
    const after = document.createTextNode(ZWSP);
    node.after(after);
    range.setStart(after, 1);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  },
};

window.Blocks = Blocks;
window.Hidden = Hidden;
