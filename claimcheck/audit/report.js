// The audit report's browsable views: every page in a table that sorts, filters and
// searches; the sites ranked by risk; one site; one page with its findings in their sentences.
// The data is the JSON block html_report.py embeds (report_data.py says its shape). Every
// value in it came from scraped pages, so it reaches the page only as text (textContent,
// createTextNode) and a link only for a plain http(s) URL; nothing here parses HTML.
"use strict";
(function () {
  const source = document.getElementById("claimcheck-data");
  const app = document.getElementById("app");
  if (!source || !app) return;
  const data = JSON.parse(source.textContent);
  const SEV = data.severities;
  const PAGE_SIZE = 100;
  const LINKABLE = /^https?:\/\/[^\s\u0000-\u001f\u007f\\]+$/i;
  const P = {}; data.page_fields.forEach((name, i) => { P[name] = i; });
  const F = {}; data.finding_fields.forEach((name, i) => { F[name] = i; });
  const pages = data.pages;
  const sites = data.sites;
  const rules = data.rules;
  const categories = Array.from(new Set(rules.map((r) => r[1]))).sort();

  // what each page holds, for the filters: its rules and categories (as sets of indexes)
  const pageRules = pages.map((p) => {
    const own = new Set();
    for (let i = p[P.first]; i < p[P.first] + p[P.count]; i++) own.add(data.findings[i][F.rule]);
    return own;
  });
  const pageCategories = pageRules.map((own) => new Set(Array.from(own, (r) => rules[r][1])));
  const searchable = pages.map((p) => [p[P.title] || "", p[P.id], p[P.url] || ""].join("\n").toLowerCase());

  // --- small DOM helpers: text only -------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function url(value) {
    if (!value) return el("span", { class: "muted", text: "no URL" });
    if (LINKABLE.test(value)) return el("a", { href: value, rel: "noopener noreferrer nofollow", class: "url", text: value });
    return el("span", { class: "url", text: value });
  }
  function route(name, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== "" && v !== undefined && v !== null) query.set(k, v);
    const q = query.toString();
    return "#/" + name + (q ? "?" + q : "");
  }
  function parseRoute() {
    const hash = location.hash.replace(/^#\/?/, "");
    const [name, query] = hash.split("?");
    return { name: name || "pages", params: new URLSearchParams(query || "") };
  }
  function siteName(p) { return p[P.site] >= 0 ? sites[p[P.site]] : ""; }
  function pageTitle(p) { return p[P.title] || p[P.id]; }

  // --- the pages table ------------------------------------------------------------------
  const COLUMNS = [
    { key: "title", label: "Page", value: (p) => pageTitle(p).toLowerCase(), text: true },
    { key: "site", label: "Site", value: (p) => siteName(p), text: true },
    { key: "score", label: "Score", value: (p) => (p[P.score] === null ? 1000 : p[P.score]) },
    { key: "grade", label: "Grade", value: (p) => p[P.grade] || "~", text: true },
    ...SEV.map((s) => ({ key: s, label: s, value: (p) => p[P[s]] })),
    { key: "findings", label: "Findings", value: (p) => p[P.count] },
  ];

  function filtered(params) {
    const q = (params.get("q") || "").toLowerCase().trim();
    const site = params.get("site") || "";
    const grade = params.get("grade") || "";
    const category = params.get("category") || "";
    const rule = params.get("rule") || "";
    const siteIndex = site ? sites.indexOf(site) : -1;
    const ruleIndex = rule ? rules.findIndex((r) => r[0] === rule) : -1;
    const out = [];
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i];
      if (site && p[P.site] !== siteIndex) continue;
      if (grade && (grade === "none" ? p[P.grade] : p[P.grade] !== grade)) continue;
      if (category && !pageCategories[i].has(category)) continue;
      if (rule && !pageRules[i].has(ruleIndex)) continue;
      if (q && !searchable[i].includes(q)) continue;
      out.push(i);
    }
    const column = COLUMNS.find((c) => c.key === params.get("sort")) || COLUMNS[2];
    const dir = params.get("dir") === "desc" ? -1 : 1;
    out.sort((a, b) => {
      const x = column.value(pages[a]), y = column.value(pages[b]);
      if (x < y) return -dir;
      if (x > y) return dir;
      return pages[b][P.critical] - pages[a][P.critical] || pages[b][P.count] - pages[a][P.count] || a - b;
    });
    return out;
  }

  function select(name, label, options, current, params, viewName) {
    const node = el("select", { name, "aria-label": label, on: { change: (e) => go(viewName, params, { [name]: e.target.value, p: "" }) } },
      el("option", { value: "", text: "any " + label }));
    for (const [value, text] of options) node.append(el("option", { value, text, selected: value === current ? "selected" : false }));
    return node;
  }

  function go(viewName, params, changes) {
    const next = Object.fromEntries(params.entries());
    Object.assign(next, changes);
    location.hash = route(viewName, next);
  }

  function pagesView(params, viewName, header) {
    const rows = filtered(params);
    const page = Math.max(0, Math.min(parseInt(params.get("p") || "0", 10) || 0, Math.floor(Math.max(rows.length - 1, 0) / PAGE_SIZE)));
    const search = el("input", { type: "search", name: "q", placeholder: "Search titles, ids and URLs", value: params.get("q") || "", "aria-label": "search" });
    search.addEventListener("change", () => go(viewName, params, { q: search.value, p: "" }));
    search.addEventListener("keydown", (e) => { if (e.key === "Enter") go(viewName, params, { q: search.value, p: "" }); });
    const filters = el("div", { class: "filters" }, search);
    if (viewName === "pages") {
      filters.append(select("site", "site", sites.map((s) => [s, s]).sort((a, b) => (a[0] < b[0] ? -1 : 1)), params.get("site") || "", params, viewName));
    }
    filters.append(
      select("grade", "grade", [..."ABCDF"].map((g) => [g, g]).concat([["none", "not checked"]]), params.get("grade") || "", params, viewName),
      select("category", "category", categories.map((c) => [c, c]), params.get("category") || "", params, viewName),
      select("rule", "rule", rules.map((r) => [r[0], r[0]]).sort((a, b) => (a[0] < b[0] ? -1 : 1)), params.get("rule") || "", params, viewName),
    );
    const head = el("tr");
    const sort = params.get("sort") || "score";
    const dir = params.get("dir") === "desc" ? "desc" : "asc";
    for (const c of COLUMNS) {
      const active = c.key === sort;
      const next = active && dir === "asc" ? "desc" : "asc";
      head.append(el("th", { class: c.text ? "" : "n", "aria-sort": active ? (dir === "asc" ? "ascending" : "descending") : "none" },
        el("button", { type: "button", "data-sort": c.key, on: { click: () => go(viewName, params, { sort: c.key, dir: next, p: "" }) } },
          c.label + (active ? (dir === "asc" ? " ▲" : " ▼") : ""))));
    }
    const body = el("tbody");
    for (const i of rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
      const p = pages[i];
      const site = siteName(p);
      body.append(el("tr", { "data-page": i },
        el("td", {}, el("a", { href: route("page", { i }), class: "page-link", text: pageTitle(p) })),
        el("td", {}, site ? el("a", { href: route("site", { name: site }), text: site }) : el("span", { class: "muted", text: "-" })),
        el("td", { class: "n", text: p[P.score] === null ? "-" : p[P.score] }),
        el("td", { class: "grade g" + (p[P.grade] || "none"), text: p[P.grade] || (p[P.status] === "error" ? "error" : "-") }),
        ...SEV.map((s) => el("td", { class: "n" + (p[P[s]] ? " " + s : ""), text: p[P[s]] })),
        el("td", { class: "n", text: p[P.count] })));
    }
    const count = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    return [header, filters, el("table", { class: "pages" }, el("thead", {}, head), body),
      pager(page, count, rows.length, "pages", (p) => go(viewName, params, { p }))];
  }

  // --- sites ------------------------------------------------------------------------------
  function siteStats() {
    const stats = sites.map((name) => ({ name, pages: 0, checked: 0, risky: 0, total: 0, findings: 0 }));
    for (const p of pages) {
      if (p[P.site] < 0) continue;
      const s = stats[p[P.site]];
      s.pages++;
      s.findings += p[P.count];
      if (p[P.status] === "ok" && p[P.score] !== null) {
        s.checked++;
        s.total += p[P.score];
        if (p[P.critical] + p[P.major] > 0) s.risky++;
      }
    }
    for (const s of stats) { s.risk = s.checked ? s.risky / s.checked : 0; s.mean = s.checked ? s.total / s.checked : null; }
    return stats;
  }

  function sitesView(params) {
    const stats = siteStats().sort((a, b) => b.risk - a.risk || (a.mean ?? 1000) - (b.mean ?? 1000) || b.pages - a.pages || (a.name < b.name ? -1 : 1));
    const count = Math.max(1, Math.ceil(stats.length / PAGE_SIZE));
    const page = Math.max(0, Math.min(parseInt(params.get("p") || "0", 10) || 0, count - 1));
    const body = el("tbody");
    for (const s of stats.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
      body.append(el("tr", {},
        el("td", {}, el("a", { href: route("site", { name: s.name }), text: s.name })),
        el("td", { class: "n", text: s.risky }),
        el("td", { class: "n", text: Math.round(100 * s.risk) + "%" }),
        el("td", { class: "n", text: s.pages }),
        el("td", { class: "n", text: s.findings }),
        el("td", { class: "n", text: s.mean === null ? "-" : s.mean.toFixed(1) })));
    }
    return [el("h2", { text: `Sites (${stats.length}), riskiest first` }),
      el("p", { class: "muted", text: "Risk: the share of a site's checked pages with a major or critical finding; then the lowest mean score." }),
      el("table", { class: "sites" }, el("thead", {}, el("tr", {}, ...["Site", "Risky pages", "Risk", "Pages", "Findings", "Mean score"].map((h, i) => el("th", { class: i ? "n" : "", text: h })))), body),
      pager(page, count, stats.length, "sites", (p) => go("sites", params, { p }))];
  }

  function pager(page, count, total, noun, to) {
    return el("div", { class: "pager" },
      el("button", { type: "button", class: "previous", disabled: page === 0 ? "disabled" : false, on: { click: () => to(page - 1) } }, "‹ previous"),
      el("span", { class: "count", text: total ? `${page * PAGE_SIZE + 1}–${Math.min((page + 1) * PAGE_SIZE, total)} of ${total} ${noun}` : `no ${noun.replace(/s$/, "")} matches` }),
      el("button", { type: "button", class: "next", disabled: page + 1 >= count ? "disabled" : false, on: { click: () => to(page + 1) } }, "next ›"));
  }

  function siteView(params) {
    const name = params.get("name") || "";
    const s = siteStats().find((x) => x.name === name);
    if (!s) return [el("h2", { text: "No such site" }), el("p", {}, el("a", { href: route("sites"), text: "All sites" }))];
    const header = el("div", {},
      el("p", {}, el("a", { href: route("sites"), text: "‹ all sites" })),
      el("h2", { class: "site-name", text: name }),
      el("p", { class: "site-stats", text: `${s.pages} pages, ${s.risky} with a major or critical finding (${Math.round(100 * s.risk)}%), ` +
        `mean score ${s.mean === null ? "-" : s.mean.toFixed(1)}, ${s.findings} findings` }));
    const scoped = new URLSearchParams(params);
    scoped.set("site", name);
    return pagesView(scoped, "site", header);
  }

  // --- one page ---------------------------------------------------------------------------
  function sentence(f) {
    const text = f[F.sentence] || "", start = f[F.start], end = f[F.end];
    const quote = el("blockquote", { class: "sentence" });
    if (typeof start === "number" && typeof end === "number" && 0 <= start && start <= end && end <= text.length) {
      quote.append(text.slice(0, start), el("mark", { text: text.slice(start, end) }), text.slice(end));
    } else {
      quote.append(text);
    }
    return quote;
  }

  function pageView(params) {
    const i = parseInt(params.get("i") || "", 10);
    const p = pages[i];
    if (!p) return [el("h2", { text: "No such page" })];
    const site = siteName(p);
    const list = el("ol", { class: "findings" });
    for (let k = p[P.first]; k < p[P.first] + p[P.count]; k++) {
      const f = data.findings[k];
      const rule = rules[f[F.rule]];
      const severity = SEV[f[F.severity]];
      const str = (j) => (j >= 0 ? data.strings[j] : null);
      list.append(el("li", { class: "finding" },
        el("span", { class: "sev " + severity, text: severity }), " ",
        el("code", { class: "rule", text: rule[0] }), " ",
        el("span", { class: "muted", text: `${rule[1]}, ${f[F.line] === null ? "no position" : "line " + f[F.line] + ":" + f[F.column]}` }),
        el("div", { class: "message", text: rule[2] }),
        sentence(f),
        str(f[F.suggestion]) && el("div", { class: "suggestion", text: str(f[F.suggestion]) }),
        str(f[F.advice]) && el("div", { class: "advice", text: str(f[F.advice]) }),
        str(f[F.context]) && el("div", { class: "context muted", text: "Context: " + str(f[F.context]) })));
    }
    const reason = p[P.reason] >= 0 ? data.strings[p[P.reason]] : null;
    return [
      el("p", {}, el("a", { href: route("pages"), text: "‹ all pages" })),
      el("h2", { class: "page-title", text: pageTitle(p) }),
      el("p", { class: "page-id" }, el("code", { text: p[P.id] })),
      el("p", {}, url(p[P.url])),
      el("p", {}, "Site: ", site ? el("a", { href: route("site", { name: site }), text: site }) : "-",
        ` · score ${p[P.score] === null ? "-" : p[P.score]} (${p[P.grade] || p[P.status]}) · ${p[P.words] ?? "-"} words · `,
        SEV.map((s) => `${p[P[s]]} ${s}`).join(", ")),
      reason && el("p", { class: "reason", text: `${p[P.status]}: ${reason}` }),
      p[P.count] ? list : el("p", { text: "No findings." }),
    ];
  }

  // --- navigation ------------------------------------------------------------------------
  function render() {
    const { name, params } = parseRoute();
    const views = { pages: (ps) => pagesView(ps, "pages", el("h2", { text: `Pages (${pages.length})` })), sites: sitesView, site: siteView, page: pageView };
    const view = views[name] || views.pages;
    const nav = el("nav", { class: "tabs" },
      el("a", { href: route("pages"), class: name === "pages" ? "active" : "", text: "Pages" }),
      el("a", { href: route("sites"), class: name === "sites" ? "active" : "", text: "Sites" }));
    app.replaceChildren(nav, ...view(params).filter(Boolean));
    app.setAttribute("data-view", views[name] ? name : "pages");
    app.setAttribute("data-hash", location.hash);  // what is drawn: tests and scripts wait on it
  }
  window.addEventListener("hashchange", render);
  render();
})();
