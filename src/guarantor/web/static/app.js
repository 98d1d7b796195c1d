// guarantor web pages: fetch data from the API with the user's token (kept in localStorage).
"use strict";

const TOKEN_KEY = "guarantor.token";
const $ = (sel, root = document) => root.querySelector(sel);

function token() { return localStorage.getItem(TOKEN_KEY) || ""; }

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
  return node;
}

function flash(text, kind = "info") {
  const box = $("#flash");
  box.className = kind;
  box.textContent = text;
}

class ApiError extends Error {
  constructor(status, body) {
    super(typeof body.detail === "string" ? body.detail : `request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, options = {}) {
  const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 204) return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// Field-level messages from a 422 body: "quantity: Input should be greater than 0".
function fieldMessages(err) {
  if (!(err instanceof ApiError) || !Array.isArray(err.body.detail)) return [err.message];
  return err.body.detail.map((d) => {
    const loc = (d.loc || []).filter((p) => p !== "body").join(".");
    return loc ? `${loc}: ${d.msg}` : d.msg;
  });
}

function showErrors(box, err) {
  box.replaceChildren(...fieldMessages(err).map((m) => el("div", { class: "error" }, m)));
}

function handleAuth(err) {
  if (err instanceof ApiError && err.status === 401) {
    flash("Paste your API token above (from `guarantor users add`) to see the data.", "warn");
    return true;
  }
  return false;
}

async function whoami() {
  const label = $("#whoami");
  if (!token()) { label.textContent = "not signed in"; return null; }
  try {
    const me = await api("/api/me");
    label.textContent = `${me.name} (${me.role}${me.nation ? " " + me.nation : ""})`;
    return me;
  } catch (err) {
    label.textContent = "token not accepted";
    handleAuth(err);
    return null;
  }
}

// ---- dashboard -------------------------------------------------------------------------
async function dashboard() {
  const s = await api("/api/summary");
  $("#scenario-name").textContent = `${s.title} (as of ${s.as_of})`;
  const card = (label, value, cls = "") =>
    el("div", { class: "card " + cls }, el("div", { class: "value" }, value), el("div", {}, label));
  $("#cards").replaceChildren(
    card("pledges", s.pledges),
    card("contributors", s.contributors),
    card("classes short of pledges", s.short_classes, s.short_classes ? "bad" : "good"),
    card("US role", s.us_role),
  );
  $("#summary-note").textContent = s.note;
  $("#classes tbody").replaceChildren(...s.classes.map((r) => {
    const cover = r.required ? Math.min(r.pledged / r.required, 1) : 1;
    return el("tr", { class: r.shortfall ? "short" : "" },
      el("td", {}, r.capability_class), el("td", {}, r.mission_set || "–"),
      el("td", { class: "num" }, r.required), el("td", { class: "num" }, r.pledged),
      el("td", { class: "num" }, r.shortfall),
      el("td", {}, el("meter", { min: 0, max: 1, low: 0.5, high: 0.99, optimum: 1, value: cover })));
  }));
  api(`/api/map?scenario=${encodeURIComponent(s.scenario || "")}`).then((m) => {
    // The SVG is drawn by the server from the stored scenario (escaped text, no scripts);
    // it is parsed as SVG, stripped of anything active, and never assigned as HTML.
    $("#map").replaceChildren(safeSvg(m.svg));
  }).catch(() => {});
  strengthAtAGlance(s.scenario).catch(() => {});
  $("#nations tbody").replaceChildren(...s.nations.map((n) =>
    el("tr", {}, el("td", {}, n.nation), el("td", { class: "num" }, n.pledges),
      el("td", { class: "num" }, n.personnel.toLocaleString("en"))),
  ));
}

// The latest finished assessment of the scenario: strength and its three biggest gaps.
async function strengthAtAGlance(scenario) {
  const runs = await api("/api/runs?limit=200");
  const last = runs.find((r) => r.kind === "assessment" && r.status === "succeeded" &&
    (!scenario || r.scenario === scenario));
  if (!last) return;
  const out = await api(`/api/runs/${last.id}/result`);
  const h = out.result.headline;
  $("#strength-note").replaceChildren(
    el("strong", {}, `${Math.round(h.strength_score)}/100 (${h.strength})`),
    ` from the assessment of ${last.finished_at || last.created_at || "a finished run"}; `,
    el("a", { href: "#", id: "report-link", onclick: (e) => { e.preventDefault(); openReport(last.id); } },
      "save the report"), ".");
  $("#gaps").replaceChildren(...h.gaps.map((g) => el("li", {}, g.text)));
}

// An SVG document as a DOM node, without scripts, foreign objects, event handlers or links
// to scripts: a second line of defence behind the server's escaping and the page's CSP.
function safeSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName !== "svg" || doc.querySelector("parsererror")) return el("p", { class: "muted" }, "map unavailable");
  for (const bad of root.querySelectorAll("script, foreignObject, iframe, embed, object")) bad.remove();
  for (const node of [root, ...root.querySelectorAll("*")]) {
    for (const attr of [...node.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on") || ((name === "href" || name.endsWith(":href")) && !value.startsWith("#"))) {
        node.removeAttribute(attr.name);
      }
    }
  }
  return document.importNode(root, true);
}

// Reports need the token, so fetch the page and save it as a file: a self-contained page
// that opens offline (shown inside this app, the app's strict CSP would stop its charts).
async function openReport(id) {
  const res = await fetch(`/api/runs/${id}/report`, { headers: { "Authorization": "Bearer " + token() } });
  if (!res.ok) { flash(`report: ${res.status}`, "error"); return; }
  const blob = new Blob([await res.text()], { type: "text/html" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `guarantor-report-${id}.html` });
  document.body.append(link);
  link.click();
  link.remove();
  flash("The report was saved as a file: open it in your browser.", "ok");
}

// ---- pledge editor ---------------------------------------------------------------------
const STATUSES = ["announced", "committed", "ready", "deployed"];

function pledgeRow(p) {
  const qty = el("input", { type: "number", name: "quantity", min: 1, value: p.quantity });
  const status = el("select", { name: "status" },
    ...STATUSES.map((s) => el("option", s === p.status ? { selected: "" } : {}, s)));
  const ready = el("input", { type: "number", name: "readiness_days", min: 0, value: p.readiness_days });
  const errors = el("div", { class: "errors" });
  const version = el("td", { class: "num" }, p.version);
  const row = el("tr", { "data-id": p.id, "data-version": p.version });
  const save = el("button", { type: "button", class: "save", onclick: async () => {
    errors.replaceChildren();
    const changes = {
      version: Number(row.dataset.version),
      quantity: qty.value === "" ? null : Number(qty.value),
      status: status.value,
      readiness_days: ready.value === "" ? null : Number(ready.value),
    };
    try {
      const saved = await api(`/api/pledges/${encodeURIComponent(p.id)}`, { method: "PATCH", json: changes });
      row.dataset.version = saved.version;
      version.textContent = saved.version;
      flash(`Saved ${p.id} (version ${saved.version}).`, "ok");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        flash(`${p.id} was changed by someone else; nothing was saved. Reload to see the current values. ${err.message}`, "warn");
      } else if (err instanceof ApiError && err.status === 403) {
        flash(err.message, "warn");
      } else {
        showErrors(errors, err);
        flash(`${p.id}: not saved, see the messages in its row.`, "warn");
      }
    }
  } }, "Save");
  row.append(el("td", {}, p.id), el("td", {}, p.nation), el("td", {}, p.capability),
    el("td", { class: "num" }, qty), el("td", {}, status), el("td", { class: "num" }, ready),
    version, el("td", {}, save, errors));
  return row;
}

async function pledgesPage() {
  const [pledges, caps] = await Promise.all([api("/api/pledges"), api("/api/capabilities")]);
  if (pledges.length) $("#scenario-name").textContent = pledges[0].scenario;
  $("#pledges tbody").replaceChildren(...pledges.map(pledgeRow));
  const select = $("#add-pledge select[name=capability]");
  select.replaceChildren(...caps.map((c) => el("option", { value: c.id }, `${c.name} (${c.id})`)));
  $("#add-pledge").onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = {
      id: f.get("id"), nation: String(f.get("nation")).toUpperCase(), capability: f.get("capability"),
      quantity: Number(f.get("quantity")), status: f.get("status"),
      readiness_days: Number(f.get("readiness_days")),
      provenance: { source: f.get("source"), date: f.get("date"), confidence: f.get("confidence") },
    };
    const box = $("#add-errors");
    box.replaceChildren();
    try {
      const saved = await api("/api/pledges", { method: "POST", json: body });
      $("#pledges tbody").append(pledgeRow(saved));
      flash(`Added ${saved.id}.`, "ok");
      ev.target.reset();
    } catch (err) {
      showErrors(box, err);
    }
  };
}

// ---- scenarios -------------------------------------------------------------------------
async function scenariosPage() {
  const list = await api("/api/scenarios");
  $("#scenarios tbody").replaceChildren(...list.map((s) => el("tr", {},
    el("td", {}, el("input", { type: "checkbox", value: s.name })), el("td", {}, s.name),
    el("td", {}, s.title), el("td", {}, s.as_of), el("td", {}, s.variant_of || "–"),
    el("td", { class: "num" }, s.pledges), el("td", { class: "num" }, s.revision))));
  $("#compare").onclick = async () => {
    const names = [...document.querySelectorAll("#scenarios input:checked")].map((i) => i.value);
    if (!names.length) { flash("Tick one or more scenarios to compare.", "warn"); return; }
    const sums = await Promise.all(names.map((n) => api(`/api/summary?scenario=${encodeURIComponent(n)}`)));
    const classes = [...new Set(sums.flatMap((s) => s.classes.map((c) => c.capability_class)))].sort();
    const head = el("tr", {}, el("th", {}, "Capability class"),
      ...sums.map((s) => el("th", { class: "num" }, `${s.scenario}: pledged / required`)));
    const rows = classes.map((c) => el("tr", {}, el("td", {}, c), ...sums.map((s) => {
      const r = s.classes.find((x) => x.capability_class === c) || { pledged: 0, required: 0, shortfall: 0 };
      return el("td", { class: "num" + (r.shortfall ? " short" : "") }, `${r.pledged} / ${r.required}`);
    })));
    $("#comparison").replaceChildren(el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
  };
}

// ---- runs ------------------------------------------------------------------------------
async function refreshRuns() {
  const runs = await api("/api/runs?limit=20");
  $("#runs tbody").replaceChildren(...runs.map((r) => el("tr", {},
    el("td", {}, new Date(r.created_at).toLocaleString()), el("td", {}, r.kind),
    el("td", {}, r.scenario), el("td", {}, r.created_by), el("td", {}, r.status),
    el("td", { class: "num" }, Math.round(r.progress * 100) + "%"))));
}

async function follow(id) {
  $("#current-run").hidden = false;
  $("#run-id").textContent = id;
  for (;;) {
    const r = await api(`/api/runs/${id}`);
    $("#run-progress").value = r.progress;
    $("#run-status").textContent = r.status;
    $("#run-message").textContent = r.error || r.message || "";
    if (r.status === "succeeded") {
      const out = await api(`/api/runs/${id}/result`);
      $("#run-result").textContent = JSON.stringify(out.result, null, 2);
      break;
    }
    if (r.status === "failed") break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  await refreshRuns();
}

async function runsPage() {
  const [kinds, scenarios] = await Promise.all([api("/api/kinds"), api("/api/scenarios")]);
  const form = $("#run-form");
  form.kind.replaceChildren(...kinds.map((k) => el("option", { value: k.kind, title: k.description }, k.kind)));
  form.scenario.replaceChildren(...scenarios.map((s) => el("option", { value: s.name }, s.name)));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const box = $("#run-errors");
    box.replaceChildren();
    let params;
    try { params = JSON.parse(form.params.value || "{}"); } catch (e) {
      box.append(el("div", { class: "error" }, "params: not valid JSON")); return;
    }
    try {
      const run = await api("/api/runs", { method: "POST", json: { kind: form.kind.value, scenario: form.scenario.value, params } });
      await follow(run.id);
    } catch (err) { showErrors(box, err); }
  };
  await refreshRuns();
}

const PAGES = { dashboard, pledges: pledgesPage, scenarios: scenariosPage, runs: runsPage };

async function load() {
  await whoami();
  const page = PAGES[document.body.dataset.page];
  if (!page || !token()) {
    if (!token()) flash("Paste your API token above (from `guarantor users add`) to see the data.", "warn");
    return;
  }
  try { await page(); } catch (err) { if (!handleAuth(err)) flash(err.message, "warn"); }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token-form").onsubmit = (ev) => {
    ev.preventDefault();
    const value = $("#token-input").value.trim();
    if (value) localStorage.setItem(TOKEN_KEY, value);
    $("#token-input").value = "";
    flash("");
    load();
  };
  $("#token-clear").onclick = () => { localStorage.removeItem(TOKEN_KEY); location.reload(); };
  load();
});
