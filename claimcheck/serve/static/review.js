// The claimcheck review page. Everything that comes from a draft (its text, file name,
// findings) reaches the page as DOM text (textContent, createTextNode, input values,
// attributes set one by one), never as HTML: the page never parses document text.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    filename: $("filename"), encoding: $("encoding"), upload: $("upload"), check: $("check"),
    edit: $("edit"), download: $("download"), score: $("score"), scoreValue: $("score-value"),
    grade: $("grade"), status: $("status"), draft: $("draft"), view: $("view"),
    count: $("count"), notes: $("notes"), findings: $("findings"),
  };
  const RANK = { info: 1, minor: 2, major: 3, critical: 4 };
  const GRADES = ["A", "B", "C", "D", "F"];
  const state = {
    text: "",            // the draft as last reviewed (the view shows it)
    encoding: "utf-8",   // how the draft is written back (an upload's encoding)
    bom: "",             // and its byte-order mark, in hex
    review: null,        // the server's last review of state.text
    maxBytes: 5 * 1024 * 1024,
  };

  // --- small DOM helpers --------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const severityOf = (f) => (Object.hasOwn(RANK, f.severity) ? f.severity : "info");
  const quoted = (text) => `\u201c${text}\u201d`;

  function setStatus(message, kind) {
    ui.status.textContent = message;
    ui.status.className = `status${kind ? ` ${kind}` : ""}`;
  }

  function setBusy(busy) {
    document.body.classList.toggle("busy", busy);
    for (const button of [ui.check, ui.edit, ui.download]) button.disabled = busy;
    ui.upload.disabled = busy;
    for (const button of ui.findings.querySelectorAll("button")) button.disabled = busy;
    if (!busy) {
      ui.edit.disabled = state.review === null || !ui.draft.hidden;
      ui.download.disabled = state.review === null && ui.draft.value === "";
    }
  }

  const editing = () => !ui.draft.hidden;
  const currentText = () => (editing() ? ui.draft.value : state.text);
  const currentName = () => ui.filename.value.trim();

  // --- talking to the server ----------------------------------------------------------

  async function call(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new Error("the server did not answer: is claimcheck serve still running?");
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const body = await response.json();
        if (body && typeof body.error === "string") message = body.error;
      } catch (error) {
        // not JSON: keep the status line
      }
      throw new Error(message);
    }
    return response;
  }

  const postJSON = (path, payload) => call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });

  async function busyWhile(work) {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      setStatus(`Error: ${error.message}`, "error");
    } finally {
      setBusy(false);
    }
  }

  // --- showing a review ---------------------------------------------------------------

  function show(review) {
    state.review = review;
    state.text = review.text;
    ui.filename.value = review.filename;
    ui.encoding.textContent = state.encoding.toUpperCase() + (state.bom ? " + BOM" : "");
    ui.view.replaceChildren(highlighted(review.text, review.findings));
    ui.findings.replaceChildren(...review.findings.map(findingItem));
    ui.count.textContent = String(review.findings.length);
    ui.notes.textContent = notes(review);
    ui.scoreValue.textContent = String(review.score);
    ui.grade.textContent = review.grade;
    ui.score.className = `score grade-${GRADES.includes(review.grade) ? review.grade : "F"}`;
    ui.score.hidden = false;
    ui.draft.hidden = true;
    ui.view.hidden = false;
  }

  function notes(review) {
    const parts = [];
    if (review.not_checked) parts.push(`Not checked: ${review.not_checked}.`);
    if (review.hidden) parts.push(`${review.hidden} below the configured min-severity not shown (they count in the score).`);
    if (review.suppressed) parts.push(`${review.suppressed} silenced by suppression comments.`);
    if (!review.not_checked && review.findings.length === 0 && !review.hidden) parts.push("Nothing to report.");
    return parts.join(" ");
  }

  // The draft as text nodes, with each finding's span in a <mark> of its severity. Spans may
  // overlap (a document rule's first mention): the text is cut at every span's ends, and each
  // piece is marked with the most severe finding covering it.
  function highlighted(text, findings) {
    const spans = findings.filter((f) => f.utf16 && f.utf16[1] > f.utf16[0]);
    const cuts = [...new Set([0, text.length, ...spans.flatMap((f) => f.utf16)])].sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const [start, end] = [cuts[i], cuts[i + 1]];
      const piece = text.slice(start, end);
      const covering = spans.filter((f) => f.utf16[0] <= start && end <= f.utf16[1]);
      if (covering.length === 0) {
        fragment.append(document.createTextNode(piece));
        continue;
      }
      const worst = covering.reduce((a, b) => (RANK[severityOf(b)] > RANK[severityOf(a)] ? b : a));
      const mark = element("mark", `hl sev-${severityOf(worst)}`, piece);
      mark.dataset.ids = covering.map((f) => f.id).join(" ");
      mark.title = covering.map((f) => `${severityOf(f)}: ${f.rule}`).join("\n");
      mark.addEventListener("click", () => select(covering[0].id, false));
      fragment.append(mark);
    }
    return fragment;
  }

  function findingItem(f) {
    const severity = severityOf(f);
    const item = element("li", `finding sev-${severity}`);
    item.dataset.id = f.id;
    const head = element("div", "head");
    const where = element("span", "where", f.line === null ? "no position" : `${f.line}:${f.column}`);
    if (f.line !== null) where.title = `line ${f.line}, column ${f.column}`;
    head.append(element("span", `badge sev-${severity}`, severity), " ", element("code", "rule", f.rule), " ", where);
    item.append(head);
    if (f.text) item.append(element("p", "quote", quoted(f.text)));
    item.append(element("p", "message", f.message));
    const suggestion = f.suggestion || {};
    if (suggestion.insert) {
      item.append(element("p", "suggestion", `Suggestion: add ${quoted(suggestion.insert)}`));
    } else if (suggestion.replacement) {
      item.append(element("p", "suggestion", `Suggestion: replace with ${quoted(suggestion.replacement)}`));
    }
    if (suggestion.advice) item.append(element("p", "advice", `Advice: ${suggestion.advice}`));
    for (const c of f.context || []) {
      item.append(element("p", "context", `Graded down from ${c.from} (${c.type}: ${quoted(c.cue)})`));
    }
    if (f.unlocated) item.append(element("p", "context", `Not highlighted: ${f.unlocated}`));
    if (f.fix) {
      const accept = element("button", "accept", f.fix === "insert" ? "Insert the warning" : "Accept suggestion");
      accept.type = "button";
      accept.addEventListener("click", (event) => {
        event.stopPropagation();
        acceptFix(f);
      });
      item.append(accept);
    }
    item.addEventListener("click", () => select(f.id, true));
    return item;
  }

  function select(id, scrollText) {
    for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
    const item = [...ui.findings.children].find((li) => li.dataset.id === id);
    const marks = [...ui.view.querySelectorAll("mark")].filter((m) => m.dataset.ids.split(" ").includes(id));
    for (const node of [item, ...marks]) if (node) node.classList.add("selected");
    const target = scrollText ? marks[0] : item;
    if (target) target.scrollIntoView({ block: "nearest" });
  }

  // --- actions ------------------------------------------------------------------------

  function check() {
    return busyWhile(async () => {
      const response = await postJSON("/api/lint", { text: currentText(), filename: currentName() });
      const review = await response.json();
      show(review);
      setStatus(`Checked ${review.filename}: score ${review.score} (${review.grade}), ` +
        `${review.findings.length} finding${review.findings.length === 1 ? "" : "s"}.`, "ok");
    });
  }

  function acceptFix(f) {
    return busyWhile(async () => {
      const before = state.review;
      const response = await postJSON("/api/fix", {
        text: state.text, filename: state.review.filename, id: f.id, encoding: state.encoding, bom: state.bom,
      });
      const { fixed, review } = await response.json();
      show(review);
      const what = fixed.inserted ? `inserted ${quoted(fixed.new)}`
        : `${quoted(fixed.old)} \u2192 ${quoted(fixed.new)}`;
      setStatus(`Fixed ${fixed.rule}: ${what}. Score ${before.score} (${before.grade}) \u2192 ` +
        `${review.score} (${review.grade}).`, "ok");
    });
  }

  function upload() {
    const file = ui.upload.files[0];
    ui.upload.value = "";
    if (!file) return undefined;
    if (file.size > state.maxBytes) {
      setStatus(`Error: ${file.name} is too large: the review page takes up to ` +
        `${Math.floor(state.maxBytes / 1048576)} MB`, "error");
      return undefined;
    }
    return busyWhile(async () => {
      const response = await call(`/api/upload?filename=${encodeURIComponent(file.name)}`, {
        method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: file,
      });
      const { encoding, bom, review } = await response.json();
      state.encoding = encoding;
      state.bom = bom;
      show(review);
      setStatus(`Uploaded ${review.filename} (${encoding}): score ${review.score} (${review.grade}), ` +
        `${review.findings.length} finding${review.findings.length === 1 ? "" : "s"}.`, "ok");
    });
  }

  function download() {
    return busyWhile(async () => {
      const filename = editing() ? currentName() : state.review.filename;
      const response = await postJSON("/api/download", {
        text: currentText(), filename, encoding: state.encoding, bom: state.bom,
      });
      const url = URL.createObjectURL(await response.blob());
      const link = element("a");
      link.href = url;
      link.download = filename.split(/[\\/]/).pop();
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60000);
      setStatus(`Downloaded ${link.download} (${state.encoding}).`, "ok");
    });
  }

  function edit() {
    ui.draft.value = state.text;
    ui.view.hidden = true;
    ui.draft.hidden = false;
    ui.edit.disabled = true;
    ui.draft.focus();
    setStatus("Editing: Check (or Ctrl+Enter) reviews the draft again.", "");
  }

  async function loadInfo() {
    try {
      const info = await (await call("/api/info")).json();
      state.maxBytes = info.max_bytes;
      ui.upload.accept = info.suffixes.join(",");
    } catch (error) {
      setStatus(`Error: ${error.message}`, "error");
    }
  }

  ui.check.addEventListener("click", check);
  ui.edit.addEventListener("click", edit);
  ui.download.addEventListener("click", download);
  ui.upload.addEventListener("change", upload);
  ui.draft.addEventListener("input", () => { ui.download.disabled = false; });
  ui.draft.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  });
  loadInfo();
})();
