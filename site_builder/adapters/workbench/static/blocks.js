// The workbench's editor of text: a unit's blocks (from GET /api/units' "editor") drawn in one
// contenteditable, and read back from it. Block tags are the editor's own blocks, never typed;
// inline tags and placeholders are atomic tokens (contenteditable=false) that can be moved or
// deleted, never broken. The server turns the blocks into the value's HTML (segments.py); this
// file only edits the list. Text is only ever put in the page as text nodes; a token's look is
// the server's own rendering (MathML, highlighted code) of what it stands for.
"use strict";

const ZWSP = "\u200b";  // a caret stop beside a token at a block's edge; never saved

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
        if (typeof item === "string") node.append(document.createTextNode(item));
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

  // Caret stops: a token first or last in a block, or two tokens side by side, get a ZWSP
  // between them so a click or End can put the caret there.
  pad(block) {
    if (block.classList.contains("wb-fixed")) return;
    const kids = Array.from(block.childNodes);
    const isToken = (n) => n && n.nodeType === 1 && n.dataset.token !== undefined;
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
          if (child.dataset.token !== undefined) push(child.dataset.item ? JSON.parse(child.dataset.item) : { html: child.dataset.token });
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
