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
let ME = null;  // the signed-in user (GET /api/me)

// A field name as a label: "phase_start_day" -> "phase start day".
function label(key) { return key.replaceAll("_", " "); }

function choices() {
  const box = $("#choices");
  return box ? JSON.parse(box.textContent) : {};
}

// Whether the signed-in user may change a pledge of this nation (the server checks it too).
function mayEditNation(nation) {
  if (!ME) return false;
  return ME.can_plan || (ME.role === "nation-editor" && ME.nation === nation);
}

function checkboxes(name, options, chosen, editable) {
  if (!editable) return el("span", {}, chosen.length ? chosen.join(", ") : "–");
  return el("span", { class: "checks", "data-name": name }, ...options.map((o) =>
    el("label", {}, el("input", Object.assign({ type: "checkbox", name, value: o }, chosen.includes(o) ? { checked: "" } : {})), " " + o)));
}

function selectOf(name, options, value) {
  return el("select", { name }, ...options.map((o) => el("option", o === value ? { value: o, selected: "" } : { value: o }, o)));
}

// The caveats, sustainment, provenance and notes of a pledge: inputs where the user may edit.
function pledgeDetails(p, editable) {
  const c = choices();
  const pv = p.provenance || {};
  const text = (name, value, attrs = {}) => editable
    ? el("input", Object.assign({ name, value: value ?? "" }, attrs)) : el("span", {}, value ?? "–");
  const long = (name, value) => editable  // newlines kept
    ? el("textarea", { name, rows: 2 }, value ?? "") : el("span", {}, value ?? "–");
  const field = (label, control) => el("label", {}, label, " ", control);
  return el("div", { class: "details-grid" },
    field("Zones", checkboxes("zones", c.zones, p.caveats.zones, editable)),
    field("Excluded roles", checkboxes("excluded_roles", c.roles, p.caveats.excluded_roles, editable)),
    field("Conditions", checkboxes("conditions", c.conditions, p.caveats.conditions, editable)),
    field("Sustainment", editable ? selectOf("mode", c.modes, p.sustainment.mode) : el("span", {}, p.sustainment.mode)),
    field("Tour (months)", text("tour_months", p.sustainment.tour_months, { type: "number", min: 0.5, step: 0.5 })),
    field("Source", text("source", pv.source)),
    field("Source date", text("date", pv.date, { placeholder: "2026-01" })),
    field("Confidence", editable ? selectOf("confidence", c.confidence, pv.confidence) : el("span", {}, pv.confidence)),
    field("Assumption", editable ? el("input", Object.assign({ type: "checkbox", name: "assumption" }, pv.assumption ? { checked: "" } : {})) : el("span", {}, pv.assumption ? "yes" : "no")),
    field("Source note", long("note", pv.note)),
    field("Notes", long("notes", p.notes)),
  );
}

function numberOrNull(value) { return value === "" ? null : Number(value); }

// The change a row's inputs describe (lists replace the stored ones; nested fields merge).
function pledgeChanges(row, details) {
  const q = (name) => details.querySelector(`[name="${name}"]`);
  // Ticked boxes in the stored order, new ones after (the order is kept as stored).
  const ticked = (name) => {
    const on = [...details.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const was = details.caveats[name] || [];
    return [...was.filter((v) => on.includes(v)), ...on.filter((v) => !was.includes(v))];
  };
  const orNull = (v) => (v === "" ? null : v);
  return {
    version: Number(row.dataset.version),
    quantity: numberOrNull(row.querySelector("[name=quantity]").value),
    status: row.querySelector("[name=status]").value,
    readiness_days: numberOrNull(row.querySelector("[name=readiness_days]").value),
    sustainment: { mode: q("mode").value, tour_months: numberOrNull(q("tour_months").value) },
    caveats: { zones: ticked("zones"), excluded_roles: ticked("excluded_roles"), conditions: ticked("conditions") },
    provenance: { source: q("source").value, date: q("date").value, confidence: q("confidence").value,
      assumption: q("assumption").checked, note: orNull(q("note").value) },
    notes: orNull(q("notes").value),
  };
}

function pledgeRow(p) {
  const editable = mayEditNation(p.nation);
  const errors = el("div", { class: "errors" });
  const version = el("td", { class: "num" }, p.version);
  const row = el("tr", { "data-id": p.id, "data-version": p.version, class: editable ? "editable" : "readonly" });
  const details = pledgeDetails(p, editable);
  details.caveats = p.caveats;
  const detailRow = el("tr", { class: "details", hidden: "" }, el("td", { colspan: 8 }, details));
  const toggle = el("button", { type: "button", class: "toggle secondary", "aria-expanded": "false", onclick: () => {
    detailRow.hidden = !detailRow.hidden;
    toggle.setAttribute("aria-expanded", String(!detailRow.hidden));
  } }, "Details");
  const cells = [el("td", {}, p.id), el("td", {}, p.nation), el("td", {}, p.capability)];
  if (!editable) {
    row.append(...cells, el("td", { class: "num" }, p.quantity), el("td", {}, p.status),
      el("td", { class: "num" }, p.readiness_days), version, el("td", {}, toggle));
    return [row, detailRow];
  }
  const qty = el("input", { type: "number", name: "quantity", min: 1, value: p.quantity });
  const status = selectOf("status", STATUSES, p.status);
  const ready = el("input", { type: "number", name: "readiness_days", min: 0, value: p.readiness_days });
  const save = el("button", { type: "button", class: "save", onclick: async () => {
    errors.replaceChildren();
    try {
      const saved = await api(`/api/pledges/${encodeURIComponent(p.id)}`, { method: "PATCH", json: pledgeChanges(row, details) });
      row.dataset.version = saved.version;
      version.textContent = saved.version;
      details.caveats = saved.caveats;
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
  row.append(...cells, el("td", { class: "num" }, qty), el("td", {}, status), el("td", { class: "num" }, ready),
    version, el("td", {}, save, " ", toggle, errors));
  return [row, detailRow];
}

async function pledgesPage() {
  const [pledges, caps] = await Promise.all([api("/api/pledges"), api("/api/capabilities")]);
  if (pledges.length) $("#scenario-name").textContent = pledges[0].scenario;
  $("#pledges tbody").replaceChildren(...pledges.flatMap(pledgeRow));
  const form = $("#add-pledge");
  if (!ME || ME.role === "viewer") { $("#add-section").remove(); return; }
  if (!ME.can_plan) {
    form.nation.value = ME.nation;
    form.nation.readOnly = true;
  }
  const select = form.querySelector("select[name=capability]");
  select.replaceChildren(...caps.map((c) => el("option", { value: c.id }, `${c.name} (${c.id})`)));
  form.onsubmit = async (ev) => {
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
      $("#pledges tbody").append(...pledgeRow(saved));
      flash(`Added ${saved.id}.`, "ok");
      ev.target.reset();
      if (!ME.can_plan) form.nation.value = ME.nation;
    } catch (err) {
      showErrors(box, err);
    }
  };
}

// Pages by their body's data-page; forms.js and sections.js add theirs.
const PAGES = { dashboard, pledges: pledgesPage };

async function load() {
  ME = await whoami();
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
