// The qa page: a client of the service's JSON API, with no library and nothing loaded from elsewhere.
// Every text the service returns is put in the page as text (textContent), never as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const TOKEN_KEY = "qa.token";
let token = sessionStorage.getItem(TOKEN_KEY) || "";

// h("p", {class: "x"}, "text", child): an element; attributes set as attributes, null ones skipped.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// ---- The API, with the token ----

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function errorOf(res) {
  let code = "http_" + res.status;
  let message = res.status + " " + res.statusText;
  try {
    const body = await res.json();
    code = body.code || code;
    message = body.message || message;
  } catch (_) { /* not JSON: the status says enough */ }
  if (res.status === 429) message += " Try again in a moment.";
  return new ApiError(res.status, code, message);
}

let tokenWanted = null;

// One dialog however many requests were refused at once; they all go on with the token it gets.
function askToken(message) {
  if (!tokenWanted) {
    tokenWanted = new Promise((resolve) => {
      const dialog = $("#token-dialog");
      $("#token-error").textContent = message;
      $("#token").value = "";
      $("#token-form").onsubmit = () => {
        token = $("#token").value.trim();
        sessionStorage.setItem(TOKEN_KEY, token);
        $("#signout").hidden = false;
        tokenWanted = null;
        resolve();
      };
      dialog.showModal();
    });
  }
  return tokenWanted;
}

// Whether the service wants a token, as its page says: then none is sent without one.
const authWanted = () => $('meta[name="qa-auth"]').content === "bearer";

async function api(path, { method = "GET", body, raw, accept } = {}) {
  for (;;) {
    if (authWanted() && !token) await askToken("");
    const headers = {};
    if (token) headers.Authorization = "Bearer " + token;
    if (accept) headers.Accept = accept;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(path, { method, headers, body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined });
    } catch (err) {
      throw new ApiError(0, "unreachable", "The service did not answer: " + err.message);
    }
    if (res.status === 401) {
      await askToken(token ? "That token was refused; check it and try again." : "");
      continue;
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }
}

const getJSON = async (path, options) => (await api(path, options)).json();

const releaseCache = new Map();
function fetchRelease(id) {
  if (!releaseCache.has(id)) {
    const pending = getJSON("/v1/releases/" + encodeURIComponent(id));
    pending.catch(() => releaseCache.delete(id));
    releaseCache.set(id, pending);
  }
  return releaseCache.get(id);
}

// ---- Small pieces shared by the views ----

// The service counts characters as Python does (code points); a string here counts UTF-16 units.
function spanOf(text, start, end) {
  if (!/[\uD800-\uDFFF]/.test(text)) return [start, end];
  const points = Array.from(text);
  return [points.slice(0, start).join("").length, points.slice(0, end).join("").length];
}

function host(source) {
  if (!source) return "";
  try { return new URL(source).hostname.replace(/^www\./, ""); } catch (_) { return source; }
}

function sourceLink(source) {
  if (!/^https?:\/\//i.test(source || "")) return source ? h("span", {}, source) : null;
  return h("a", { href: source, rel: "noopener noreferrer", target: "_blank" }, host(source));
}

function meta(...parts) {
  const kept = parts.filter((p) => p !== null && p !== undefined && p !== "");
  return kept.flatMap((p, i) => (i ? [" · ", p] : [p]));
}

function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, err instanceof ApiError ? err.message : "Something went wrong: " + err);
}

// A release's text with [start, end) marked, as paragraphs: only the paragraph holding the mark, or all.
function markedText(text, start, end, whole) {
  const [s, e] = spanOf(text, start, end);
  let from = 0;
  let to = text.length;
  if (!whole) {
    from = text.lastIndexOf("\n", s - 1) + 1;
    const next = text.indexOf("\n", e);
    to = next < 0 ? text.length : next;
  }
  const mark = h("mark", { tabindex: "-1", "data-start": start, "data-end": end }, text.slice(s, e));
  return { node: h("div", { class: "text" }, text.slice(from, s), mark, text.slice(e, to)), mark };
}

// Scroll a box so its mark shows, without moving the page.
function showMark(box, mark) {
  box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
}

// ---- Ask ----

let conversation = null;

function verdict(a) {
  if (!a.answered || a.support === "none") return "The releases don't say";
  if (a.support === "partial") return "Partly answered: the closest the releases come";
  return "Answer";
}

function citationCard(c) {
  const li = h("li", { class: "citation" },
    h("h3", {}, h("span", { class: "n" }, "[" + c.n + "] "), h("a", { href: "#/release/" + encodeURIComponent(c.release_id) }, c.title || c.release_id)),
    h("p", { class: "meta" }, meta(c.date, sourceLink(c.source))));
  const box = h("div", { class: "excerpt" }, h("blockquote", {}, c.quote));
  const toggle = h("button", { type: "button", class: "link", "aria-expanded": "false" }, "Show the whole release");
  li.append(box, toggle);
  let whole = false;
  const render = async () => {
    try {
      const release = await fetchRelease(c.release_id);
      const { node, mark } = markedText(release.text, c.start, c.end, whole);
      clear(box, node);
      box.classList.toggle("whole", whole);
      if (whole) showMark(box, mark);
    } catch (err) {
      box.append(errorBox(err));
    }
  };
  toggle.addEventListener("click", () => {
    whole = !whole;
    toggle.textContent = whole ? "Show only its paragraph" : "Show the whole release";
    toggle.setAttribute("aria-expanded", String(whole));
    render();
  });
  render();
  return li;
}

function smallPrint(a, seconds) {
  const models = [...new Set((a.usage || []).map((u) => u.model))];
  // A model that failed has no usage; the answer still names the model it asked (an older service does not).
  const asked = models.length ? models.join(", ") : a.model ? a.model + " (no reply)" : "none asked";
  return h("p", { class: "fine" }, meta(
    "mode: " + a.mode,
    "model: " + asked,
    models.length && a.prompt ? "prompt: " + a.prompt : "",
    a.verified ? "every figure checked against its sentence" : "",
    seconds.toFixed(2) + " s"));
}

function renderAnswer(turn, a, seconds) {
  turn.dataset.support = a.answered ? a.support : "none";
  const parts = [h("p", { class: "verdict" }, verdict(a)), h("p", { class: "value" }, a.answer)];
  if (a.reason && a.support !== "full") parts.push(h("p", { class: "reason" }, a.reason));
  if (a.computed && a.answered) parts.push(h("p", { class: "computed" }, "Worked out from these values: " + a.computed + "."));
  if (a.corrections && a.corrections.length) {
    parts.push(h("p", { class: "fine" }, "Searched " + a.corrections.map((c) => "“" + c.searched + "” for “" + c.wrote + "”").join(", ") + "."));
  }
  if (a.ungrounded && a.ungrounded.length) {
    const why = a.ungrounded.map((u) => (a.model ? u.replace(/^the model failed\b/, "the model " + a.model + " failed") : u));
    parts.push(h("p", { class: "fine" }, "The model's reply was not used: " + why.join("; ")));
  }
  if (a.evidence.length) {
    parts.push(h("h3", { class: "sr-only" }, "Evidence"), h("ol", { class: "evidence" }, a.evidence.map(citationCard)));
  }
  parts.push(smallPrint(a, seconds));
  clear($(".body", turn), parts);
}

// Server-sent events from a fetch response: calls on(name, data) for each.
async function readEvents(res, on) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      on(name, data.join("\n"));
    }
  }
}

async function ask(question) {
  const body = { question };
  const mode = $("#mode").value;
  if (mode) body.mode = mode;
  if (conversation) body.conversation_id = conversation;
  const turn = h("article", { class: "turn", "aria-busy": "true" },
    h("h2", { class: "q" }, question), h("div", { class: "body" }, h("p", { class: "progress" }, "Searching the releases…")));
  $("#turns").prepend(turn);
  const started = performance.now();
  let answered = false;
  try {
    const res = await api("/v1/ask", { method: "POST", body, accept: "text/event-stream" });
    await readEvents(res, (name, data) => {
      const value = JSON.parse(data);
      if (name === "hits") {
        const titles = new Set(value.hits.map((hit) => hit.title));
        const what = value.hits.length ? value.hits.length + " passages in " + titles.size + " release" + (titles.size === 1 ? "" : "s") : "no passage";
        clear($(".body", turn), h("p", { class: "progress" }, "Found " + what + "; answering…"));
      } else if (name === "answer") {
        answered = true;
        renderAnswer(turn, value, (performance.now() - started) / 1000);
        if (value.conversation_id) conversation = value.conversation_id;
        $("#thread-note").hidden = !conversation;
      } else if (name === "error") {
        answered = true;
        clear($(".body", turn), errorBox(new ApiError(0, value.code, value.message)));
      }
    });
    if (!answered) throw new ApiError(0, "cut_off", "The answer stopped before it arrived; ask again.");
  } catch (err) {
    if (err instanceof ApiError && err.code === "unknown_conversation") {
      conversation = null;
      $("#thread-note").hidden = true;
    }
    clear($(".body", turn), errorBox(err));
  } finally {
    turn.removeAttribute("aria-busy");
  }
}

function setupAsk() {
  $("#ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = $("#question").value.trim();
    if (!question) return;
    $("#question").value = "";
    ask(question);
  });
  $("#new-thread").addEventListener("click", () => {
    conversation = null;
    $("#thread-note").hidden = true;
    clear($("#turns"));
    $("#question").focus();
  });
}

// ---- Releases ----

let allReleases = null;

function fillSources(releases) {
  const counts = new Map();
  for (const r of releases) counts.set(host(r.source) || "", (counts.get(host(r.source) || "") || 0) + 1);
  const select = $("#f-source");
  const chosen = select.value;
  clear(select, h("option", { value: "" }, "all sources (" + releases.length + ")"),
    [...counts].filter(([name]) => name).sort((a, b) => b[1] - a[1])
      .map(([name, n]) => h("option", { value: name }, name + " (" + n + ")")));
  select.value = chosen;
}

async function listReleases() {
  const form = new FormData($("#filters"));
  const params = new URLSearchParams();
  for (const [name, value] of form) if (String(value).trim()) params.set(name, String(value).trim());
  const list = $("#release-list");
  $("#release-count").textContent = "Loading…";
  try {
    allReleases = await getJSON("/v1/releases");
    fillSources(allReleases);
    const shown = params.toString() ? await getJSON("/v1/releases?" + params) : allReleases;
    $("#release-count").textContent = (params.toString() ? shown.length + " of " + allReleases.length : allReleases.length) +
      " release" + (allReleases.length === 1 ? "" : "s") + (params.toString() ? " match" : "");
    clear(list, shown.map((r) => h("li", {},
      h("a", { href: "#/release/" + encodeURIComponent(r.id) }, r.title || r.id),
      h("span", { class: "meta" }, meta(r.date || "undated", host(r.source), r.n_chunks + " chunk" + (r.n_chunks === 1 ? "" : "s"))))));
    if (!shown.length) list.append(h("li", { class: "empty" }, allReleases.length ? "No release matches these filters." : "No releases yet: add some below."));
  } catch (err) {
    $("#release-count").textContent = "";
    clear(list, h("li", {}, errorBox(err)));
  }
}

function ingestReport(report, what) {
  const counts = meta(
    report.added.length ? report.added.length + " added" : "",
    report.replaced.length ? report.replaced.length + " replaced" : "",
    report.unchanged.length ? report.unchanged.length + " unchanged" : "");
  return h("div", {},
    h("p", {}, what + ": ", counts.length ? counts : "nothing stored", "."),
    report.errors.length ? h("ul", { class: "error", role: "alert" }, report.errors.map((e) => h("li", {}, e.origin + ": " + e.reason))) : null);
}

function setupReleases() {
  $("#filters").addEventListener("submit", (event) => { event.preventDefault(); listReleases(); });
  $("#filters").addEventListener("reset", () => setTimeout(listReleases));
  $("#f-source").addEventListener("change", listReleases);
  $("#paste-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.target));
    const out = $("#ingest-result");
    clear(out, h("p", { class: "progress" }, "Adding…"));
    try {
      const report = await getJSON("/v1/releases", { method: "POST", body: { releases: [data] } });
      clear(out, ingestReport(report, "The pasted release"));
      event.target.reset();
      changed();
    } catch (err) {
      clear(out, errorBox(err));
    }
  });
  $("#url-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = $("#w-url").value.trim();
    const out = $("#ingest-result");
    clear(out, h("p", { class: "progress" }, "Fetching " + url + "…"));
    try {
      if ($("#w-watch").checked) {
        const { feed, poll } = await getJSON("/v1/feeds", { method: "POST", body: { url } });
        clear(out, ingestReport(poll.report, "The feed " + (feed.title || url) + " (" + poll.entries + " entries, watched)"));
        if (poll.error) out.append(h("p", { class: "error", role: "alert" }, poll.error));
      } else {
        clear(out, ingestReport(await getJSON("/v1/urls", { method: "POST", body: { urls: [url] } }), url));
      }
      event.target.reset();
      changed();
    } catch (err) {
      clear(out, errorBox(err));
    }
  });
  $("#upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = [...$("#u-files").files];
    const out = $("#ingest-result");
    if (!files.length) { clear(out, h("p", { class: "error", role: "alert" }, "Choose one or more files first.")); return; }
    clear(out);
    for (const [i, file] of files.entries()) {
      const line = h("p", { class: "progress" }, "Uploading " + file.name + " (" + (i + 1) + " of " + files.length + ")…");
      out.append(line);
      try {
        const report = await getJSON("/v1/files?name=" + encodeURIComponent(file.name), { method: "POST", raw: file });
        line.replaceWith(ingestReport(report, file.name));
      } catch (err) {
        line.replaceWith(h("p", { class: "error", role: "alert" }, file.name + ": " + err.message));
      }
    }
    event.target.reset();
    changed();
  });
}

// After an ingest: releases replaced since they were read must be read again, and the counts change.
function changed() {
  releaseCache.clear();
  listReleases();
  status();
}

// ---- One release ----

function renderFacts(summary, text, textBox) {
  const show = (quote) => {
    const at = text.indexOf(quote);
    if (at < 0) return;
    const { node, mark } = markedText(text, at, at + quote.length, true);
    clear(textBox, node);
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  };
  const factRows = [...summary.key_facts, ...summary.dollar_amounts.filter((d) => !summary.key_facts.some((k) => k.value === d.value))];
  const parts = [
    h("p", {}, summary.summary),
    h("p", { class: "fine" }, summary.summary_mode === "model" ? "Summary by the model, every figure and name checked against the release" : "The release's own lead (no model)"),
  ];
  if (factRows.length) {
    parts.push(h("h3", {}, "Key facts"), h("table", { class: "facts" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Fact"), h("th", { scope: "col" }, "Kind"), h("th", { scope: "col" }, "Its sentence"))),
      h("tbody", {}, factRows.map((f) => h("tr", {},
        h("td", { class: "value" }, f.value), h("td", {}, f.kind),
        h("td", {}, h("button", { type: "button", class: "link quote", onclick: () => show(f.quote) }, f.quote)))))));
  }
  if (summary.people.length) {
    parts.push(h("h3", {}, "People"), h("ul", {}, summary.people.map((p) => h("li", {}, p.name, p.role ? ", " + p.role : ""))));
  }
  if (summary.quotes.length) {
    parts.push(h("h3", {}, "Quotes"), h("ul", { class: "quotes" }, summary.quotes.map((q) => h("li", {}, "“" + q.text + "”", q.speaker ? " (" + q.speaker + ")" : ""))));
  }
  return parts;
}

async function showRelease(id) {
  clear($("#release-title"), "Loading…");
  clear($("#release-meta"));
  clear($("#release-text"));
  clear($("#release-summary"), h("p", { class: "progress" }, "Summarising…"));
  let release;
  try {
    release = await fetchRelease(id);
  } catch (err) {
    clear($("#release-title"), "Release not found");
    clear($("#release-text"), errorBox(err));
    clear($("#release-summary"));
    return;
  }
  document.title = release.title + " · qa";
  clear($("#release-title"), release.title || release.id);
  clear($("#release-meta"), meta(release.date || "undated", sourceLink(release.source), "id " + release.id, release.n_chunks + " chunks"));
  clear($("#release-text"), h("div", { class: "text" }, release.text));
  try {
    const summary = await getJSON("/v1/releases/" + encodeURIComponent(release.id) + "/summary", { method: "POST" });
    clear($("#release-summary"), renderFacts(summary, release.text, $("#release-text")));
  } catch (err) {
    clear($("#release-summary"), errorBox(err));
  }
}

// ---- Briefing ----

let briefMarkdown = "";

function cite(c) {
  return h("a", { class: "cite", href: "#/release/" + encodeURIComponent(c.release_id), title: c.title + " (" + c.date + ")" }, "[" + c.n + "]");
}

function renderBrief(b) {
  const parts = [];
  if (b.overview) {
    // Each overview sentence with the number of the release sentence it stands on, as the memo prints it.
    const spans = b.overview_spans.length ? b.overview_spans : [[0, b.overview.length]];
    parts.push(h("h2", {}, "Overview"), h("p", {}, spans.map(([s, e], i) => {
      const [from, to] = spanOf(b.overview, s, e);
      const c = b.overview_spans.length ? b.overview_citations[i] : null;
      return [b.overview.slice(from, to), c ? [" ", cite(c)] : [], " "];
    })));
  }
  for (const section of b.sections) {
    parts.push(h("h2", {}, section.topic));
    if (section.release_ids.length > 1) {
      // One event, several releases: each named with its source number, as the memo and the terminal name them.
      const first = new Map();
      for (const bullet of section.bullets) if (!first.has(bullet.citation.release_id)) first.set(bullet.citation.release_id, bullet.citation);
      const named = section.release_ids.filter((id) => first.has(id)).map((id) => first.get(id));
      parts.push(h("p", { class: "event" }, "One event, reported in ", named.map((c, i) => [i ? "; " : "", c.title, " (" + (c.date || "undated") + ") ", cite(c)])));
    }
    parts.push(h("ul", {}, section.bullets.map((bullet) => h("li", {}, bullet.text, " ", cite(bullet.citation)))));
  }
  if (b.timeline.length) {
    parts.push(h("h2", {}, "Timeline"), h("ul", { class: "timeline" }, b.timeline.map((t) => h("li", {}, h("strong", {}, t.date), " ", t.event, " ", cite(t.citation)))));
  }
  if (b.changes.length) {
    parts.push(h("h2", {}, "Figures that changed"), h("ul", {}, b.changes.map((c) => h("li", {},
      c.measure + ": " + c.before.value + " ", cite(c.before_citation), " → " + c.after.value + " ", cite(c.after_citation)))));
  }
  if (b.apart && b.apart.length) {
    // Amounts of another measure or scope: listed each with its scope, never set against each other.
    parts.push(h("h2", {}, "Figures not compared"), h("ul", {}, b.apart.map((a) => h("li", {},
      [a.fact.value, a.fact.measure, a.fact.scope].filter(Boolean).join(" ") + " ", cite(a.citation)))));
  }
  const sources = new Map();
  const all = [...b.overview_citations, ...b.sections.flatMap((s) => s.bullets.map((x) => x.citation)), ...b.timeline.map((t) => t.citation),
    ...b.changes.flatMap((c) => [c.before_citation, c.after_citation]), ...(b.apart || []).map((a) => a.citation)];
  for (const c of all) if (c.n && !sources.has(c.n)) sources.set(c.n, c);
  if (sources.size) {
    parts.push(h("h2", {}, "Sources"), h("ol", { class: "sources" }, [...sources.values()].sort((x, y) => x.n - y.n).map((c) =>
      h("li", { value: c.n }, h("a", { href: "#/release/" + encodeURIComponent(c.release_id) }, c.title), " ", meta(c.date, sourceLink(c.source))))));
  }
  if (!parts.length) parts.push(h("p", {}, "No release in this range matches."));
  parts.push(h("p", { class: "fine" }, meta("overview: " + (b.overview_mode === "model" ? "the model's, checked" : "the releases' own sentences"),
    b.releases.length + " release" + (b.releases.length === 1 ? "" : "s"))));
  return parts;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Outside a secure context (the service reached by its address over plain http) the clipboard API is missing.
  const area = h("textarea", { class: "offscreen", readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("the browser refused; select the Markdown below and copy it");
}

function setupBrief() {
  $("#brief-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, value] of new FormData(event.target)) if (String(value).trim()) body[name] = name === "limit" ? Number(value) : String(value).trim();
    $("#brief-out").hidden = true;
    $("#brief-progress").textContent = "Writing the briefing…";
    try {
      const [brief, md] = await Promise.all([
        getJSON("/v1/brief", { method: "POST", body }),
        api("/v1/brief", { method: "POST", body: { ...body, format: "md" } }).then((r) => r.text()),
      ]);
      briefMarkdown = md;
      clear($("#brief-body"), renderBrief(brief));
      $("#brief-md").textContent = md;
      $("#copy-done").textContent = "";
      $("#brief-out").hidden = false;
      $("#brief-progress").textContent = "";
    } catch (err) {
      clear($("#brief-progress"), errorBox(err));
    }
  });
  $("#copy-md").addEventListener("click", async () => {
    try {
      await copyText(briefMarkdown);
      $("#copy-done").textContent = "Copied.";
    } catch (err) {
      $("#copy-done").textContent = "Not copied: " + err.message;
    }
  });
}

// ---- Evals ----

const pct = (x) => (typeof x === "number" ? (x <= 1 && x >= 0 ? (100 * x).toFixed(1) + "%" : String(Math.round(x * 1000) / 1000)) : "—");
const mark = (ok) => h("span", { class: ok ? "pass" : "fail" }, ok ? "✓ pass" : "✗ fail");

// A table scrolls sideways in its box when wider than it (on a phone): focusable, so the keyboard can scroll it.
function table(caption, head, rows) {
  return h("table", { tabindex: "0" }, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c))))));
}

// ---- Charts of a report: inline SVG drawn here, no library; the tables below them carry the same numbers ----

const SVG = "http://www.w3.org/2000/svg";

// svg("rect", {x: 1}, child): an SVG element, made as h() makes an HTML one (attributes only, never markup).
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const num = (x) => typeof x === "number" && Number.isFinite(x);
const share = (n, of) => (of > 0 ? n / of : 0);
const LABEL_W = 112;  // the row labels' column, wide enough for "multi_release" and "None (declined)"

// The chart as an image with a name: the short title, and every number in its label and desc, so a screen
// reader hears what the bars show (the figure's children are drawn, not read).
function chartFigure(caption, summary, width, height, parts) {
  const drawing = svg("svg", { class: "chart-svg", viewBox: "0 0 " + width + " " + height, width, height, role: "img", "aria-label": caption + ". " + summary },
    svg("title", {}, caption), svg("desc", {}, summary), parts);
  return h("figure", { class: "chart" }, h("figcaption", {}, caption), drawing);
}

function legend(items) {
  let x = 0;
  return svg("g", { class: "legend" }, items.map((item) => {
    const at = x;
    x += 22 + item.label.length * 6.6;  // about a 12px system font's average advance
    return svg("g", {}, svg("rect", { class: "bar " + item.cls, x: at, y: 2, width: 12, height: 12 }),
      svg("text", { x: at + 16, y: 12 }, item.label));
  }));
}

// Grid lines and tick labels of a horizontal axis from `left`, `plot` wide; ticks: [value shown, fraction].
function xAxis(left, plot, top, bottom, ticks, title) {
  return svg("g", { class: "axis" },
    ticks.map(([shown, at]) => [svg("line", { class: "grid", x1: left + plot * at, x2: left + plot * at, y1: top, y2: bottom }),
      svg("text", { class: "tick", x: left + plot * at, y: bottom + 14, "text-anchor": "middle" }, shown)]),
    svg("line", { class: "baseline", x1: left, x2: left, y1: top, y2: bottom }),
    svg("text", { class: "axis-title", x: left + plot / 2, y: bottom + 32, "text-anchor": "middle" }, title));
}

const KIND_BARS = [
  { cls: "bar-right", label: "All facts", share: (k) => k.all_facts, text: (k) => pct(k.all_facts) },
  { cls: "bar-wrong", label: "Wrong, printed as full", share: (k) => share(k.wrong, k.questions), text: (k) => k.wrong + " of " + k.questions },
  { cls: "bar-declined", label: "Declined", share: (k) => share(k.declined, k.questions), text: (k) => k.declined + " of " + k.questions },
];

// One group of three bars a kind: the share with all facts, and wrong and declined answers as shares of its questions.
function kindChart(kinds) {
  const plot = 300, barH = 12, gap = 3, groupGap = 14, top = 30;
  const groupH = KIND_BARS.length * (barH + gap) - gap;
  const bottom = top + kinds.length * (groupH + groupGap) - groupGap + 4;
  const width = LABEL_W + plot + 100, height = bottom + 40;
  const at = (x) => LABEL_W + plot * Math.max(0, Math.min(1, x));
  const groups = kinds.map((k, i) => {
    const y0 = top + i * (groupH + groupGap);
    return svg("g", { class: "kind", "data-kind": k.kind },
      svg("text", { class: "row-label", x: LABEL_W - 8, y: y0 + groupH / 2 + 4, "text-anchor": "end" }, k.kind),
      KIND_BARS.map((b, j) => {
        const y = y0 + j * (barH + gap);
        const x = b.share(k);
        return [svg("rect", { class: "bar " + b.cls, x: LABEL_W, y, width: at(x) - LABEL_W, height: barH }),
          svg("text", { class: "value", x: at(x) + 4, y: y + barH - 2 }, b.text(k))];
      }));
  });
  const summary = kinds.map((k) => k.kind + ": " + k.questions + " questions, all facts " + pct(k.all_facts) +
    ", " + k.wrong + " wrong, " + k.declined + " declined").join("; ") + ".";
  return chartFigure("Scores by kind", summary, width, height,
    [legend(KIND_BARS), xAxis(LABEL_W, plot, top - 4, bottom, [0, 0.25, 0.5, 0.75, 1].map((t) => [t * 100 + "%", t]), "Share of the kind's questions"), groups]);
}

const LEVELS = { full: "Full", partial: "Partial", none: "None (declined)" };

// A stacked bar a support level: its right answers, then its wrong ones, on one count scale; precision beside.
function supportChart(levels) {
  const plot = 190, barH = 18, gap = 12, top = 30;
  const most = Math.max(1, ...levels.map((l) => l.answers));
  const step = Math.max(1, Math.ceil(most / 4));
  const end = step * Math.ceil(most / step);  // the axis ends on a tick
  const bottom = top + levels.length * (barH + gap) - gap + 4;
  const width = LABEL_W + plot + 250, height = bottom + 40;
  const len = (n) => plot * n / end;
  const ticks = [];
  for (let t = 0; t <= end; t += step) ticks.push([String(t), t / end]);
  const said = (l) => l.right + " right, " + (l.answers - l.right) + " wrong · precision " + (num(l.precision) ? pct(l.precision) : "— (none)");
  const rows = levels.map((l, i) => {
    const y = top + i * (barH + gap);
    const wrong = l.answers - l.right;
    return svg("g", { class: "level", "data-support": l.support },
      svg("text", { class: "row-label", x: LABEL_W - 8, y: y + barH - 5, "text-anchor": "end" }, LEVELS[l.support] || l.support),
      svg("rect", { class: "bar bar-right", x: LABEL_W, y, width: len(l.right), height: barH }),
      svg("rect", { class: "bar bar-wrong", x: LABEL_W + len(l.right), y, width: len(wrong), height: barH }),
      svg("text", { class: "value", x: LABEL_W + len(l.answers) + 6, y: y + barH - 5 }, said(l)));
  });
  const summary = levels.map((l) => (LEVELS[l.support] || l.support) + ": " + l.answers + " answers, " + said(l)).join("; ") + ".";
  return chartFigure("Right and wrong by support level", summary, width, height,
    [legend([{ cls: "bar-right", label: "Right" }, { cls: "bar-wrong", label: "Wrong" }]), xAxis(LABEL_W, plot, top - 4, bottom, ticks, "Answers"), rows]);
}

// The charts a report's score has the numbers for; an older report lacks them and gets none (its tables stay).
function reportCharts(s) {
  const kinds = s.by_kind || [];
  const levels = (s.calibration || []).filter((l) => num(l.answers) && num(l.right));
  const parts = [];
  if (kinds.length && kinds.every((k) => num(k.questions) && num(k.all_facts) && num(k.wrong) && num(k.declined))) parts.push(kindChart(kinds));
  if (levels.length) parts.push(supportChart(levels));
  if (num(s.exact) && num(s.f1)) {
    parts.push(h("dl", { class: "squad" }, h("div", {}, h("dt", {}, "Exact match"), h("dd", {}, pct(s.exact))),
      h("div", {}, h("dt", {}, "F1"), h("dd", {}, pct(s.f1)))));
  }
  return parts.length ? h("div", { class: "charts" }, parts) : null;
}

function checksTable(report) {
  // A model compared with the config's own (qa eval -m A -m B) is held to no threshold: say so, not an empty table.
  if (!(report.checks || []).length) {
    return h("p", { class: "no-checks" }, "No thresholds apply to this run: only the eval config's own model is held to them; a model compared with it (qa eval -m A -m B) is not.");
  }
  return table("Scores against their thresholds", ["Score", "Value", "Threshold", "Result"],
    (report.checks || []).map((c) => [c.measure, pct(c.score), (c.ceiling ? "at most " : "at least ") + pct(c.threshold), mark(c.passed)]));
}

function questionRow(q) {
  const ok = q.kind === "unanswerable" ? q.declined : q.all_facts && !q.answered_wrong;
  return [q.id, q.kind, q.question, h("span", {}, q.answer, h("br"), h("small", {}, meta(q.mode, q.support))),
    q.missing.length ? q.missing.join("; ") : "—",
    q.citations_in_gold === null || q.citations_in_gold === undefined ? "—" : q.citations_in_gold ? "in gold" : "not in gold", mark(ok)];
}

// The charts' numbers as text too; a column an older report has no numbers for is left out.
function kindTable(kinds) {
  const counted = kinds.length && kinds.every((k) => num(k.wrong) && num(k.declined));
  return table("By kind of question", ["Kind", "Questions", "All facts", "Fact share", ...(counted ? ["Wrong, printed as full", "Declined"] : [])],
    kinds.map((k) => [k.kind, k.questions, pct(k.all_facts), pct(k.fact_share), ...(counted ? [k.wrong, k.declined] : [])]));
}

function calibrationTable(levels) {
  if (!levels.length) return null;
  return table("By support level", ["Support", "Answers", "Right", "Wrong", "Precision"],
    levels.map((l) => [LEVELS[l.support] || l.support, l.answers, l.right, l.answers - l.right, num(l.precision) ? pct(l.precision) : "—"]));
}

function renderReport(r) {
  const s = r.score;
  return [
    h("p", { class: "meta" }, meta("dataset " + r.dataset, "model " + r.model, "prompt " + r.prompt, r.replayed ? "replayed from cassettes" : "recorded live",
      s.questions + " questions", "latency p50 " + (s.latency_p50_s || 0).toFixed(2) + " s")),
    checksTable(r),
    reportCharts(s),
    kindTable(s.by_kind || []),
    calibrationTable(s.calibration || []),
    table("Every question", ["Id", "Kind", "Question", "Answer", "Missing facts", "Citations", "Result"], r.questions.map(questionRow)),
  ];
}

function renderComparison(c) {
  const parts = [h("p", { class: "meta" }, "Models side by side: " + c.compared.join(" vs "))];
  for (const dataset of c.datasets) {
    const runs = c.runs.map((run) => ({ name: run.name, report: run.reports.find((r) => r.dataset === dataset) })).filter((x) => x.report);
    if (!runs.length) continue;
    parts.push(h("h2", {}, "Dataset " + dataset));
    // The gated scores, then what the model added and how long it took; a run without thresholds shows its values.
    const measures = [...new Set(runs.flatMap((x) => (x.report.checks || []).map((k) => k.measure))),
      "model_answers", "model_improved", "model_worsened", "latency_p50_s"];
    parts.push(table("Scores", ["Score", ...runs.map((x) => x.name)], measures.map((m) => [m, ...runs.map((x) => {
      const check = (x.report.checks || []).find((k) => k.measure === m);
      const value = x.report.score[m];
      if (value === undefined) return "—";
      const shown = m.endsWith("_s") ? value.toFixed(2) + " s" : m.startsWith("model_") ? String(value) : pct(value);
      return check ? h("span", {}, shown, " ", mark(check.passed)) : shown;
    })])));
    const ids = runs[0].report.questions.map((q) => q.id);
    parts.push(table("Every question", ["Question", ...runs.map((x) => x.name)], ids.map((id) => {
      const first = runs[0].report.questions.find((q) => q.id === id);
      return [h("span", {}, first.question, h("br"), h("small", {}, id + " · " + first.kind)), ...runs.map((x) => {
        const q = x.report.questions.find((y) => y.id === id);
        if (!q) return "—";
        const row = questionRow(q);
        return h("span", {}, row[6], " ", q.answer, q.missing.length ? h("small", { class: "fail" }, " missing: " + q.missing.join("; ")) : null);
      })];
    })));
  }
  return parts;
}

async function showEvals(name) {
  const out = $("#evals-body");
  clear(out, h("p", { class: "progress" }, "Loading…"));
  try {
    if (!name) {
      const list = await getJSON("/v1/evals");
      if (!list.reports.length) {
        clear(out, h("p", {}, "No eval reports found" + (list.folder ? " in " + list.folder : "") + ". Run qa eval, or point QA_ANSWER__REPORTS at a folder of reports."));
        return;
      }
      const link = (r) => h("a", { href: "#/evals/" + encodeURIComponent(r.name) }, r.name);
      clear(out,
        table("Reports", ["Report", "Dataset", "Model", "Prompt", "Traffic", "Result"], list.reports.filter((r) => r.kind === "report")
          .map((r) => [link(r), r.dataset, r.model, r.prompt, r.replayed ? "replayed" : "live", mark(r.passed)])),
        table("Model comparisons", ["Comparison", "Models", "Datasets"], list.reports.filter((r) => r.kind === "comparison")
          .map((r) => [link(r), r.compared.join(" vs "), r.datasets.join(", ")])));
      return;
    }
    const report = await getJSON("/v1/evals/" + encodeURIComponent(name));
    clear(out, h("p", {}, h("a", { href: "#/evals" }, "← All reports")), h("h2", {}, name),
      report.runs ? renderComparison(report) : renderReport(report));
  } catch (err) {
    clear(out, errorBox(err));
  }
}

// ---- Views and start ----

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const [view, ...rest] = hash.split("/");
  const name = { "": "ask", ask: "ask", releases: "releases", release: "release", brief: "brief", evals: "evals" }[view] || "ask";
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + name;
  for (const link of document.querySelectorAll("nav a")) {
    const here = link.dataset.view === name || (name === "release" && link.dataset.view === "releases");
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = { ask: "Ask", releases: "Releases", release: "Release", brief: "Briefing", evals: "Evals" }[name] + " · qa";
  if (name === "ask") $("#question").focus();
  if (name === "releases") listReleases();
  if (name === "release") showRelease(rest.join("/"));
  if (name === "evals") showEvals(rest.join("/"));
}

async function status() {
  try {
    const ready = await getJSON("/readyz");
    $("#status").textContent = ready.releases + " release" + (ready.releases === 1 ? "" : "s") + " indexed";
  } catch (err) {
    $("#status").textContent = err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token-dialog").addEventListener("cancel", (event) => event.preventDefault());  // nothing works without it
  $("#signout").hidden = !token;

  $("#signout").addEventListener("click", () => {
    token = "";
    sessionStorage.removeItem(TOKEN_KEY);
    $("#signout").hidden = true;
    releaseCache.clear();
    status();
  });
  setupAsk();
  setupReleases();
  setupBrief();
  window.addEventListener("hashchange", route);
  route();
  status();
});
