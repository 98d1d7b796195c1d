// guarantor web pages: runs started from a form, and options compared side by side.
// Uses the helpers of app.js (el, api, flash, showErrors, ApiError, ME, PAGES).
"use strict";

// ---- a form from a kind's JSON Schema ----------------------------------------------------
// Parameters left blank are not sent: the model's default (shown as the placeholder) applies.

// Top-level parameters the form leaves to their defaults (set by the server or too detailed).
const HIDDEN_PARAMS = new Set(["whatif", "design_raid", "design_raid_from", "sourcing", "others"]);

function resolveRef(schema, root) {
  let s = schema || {};
  for (let i = 0; i < 5; i++) {
    if (s.$ref) s = (root.$defs || {})[s.$ref.split("/").pop()] || {};
    else if (s.allOf && s.allOf.length === 1) s = s.allOf[0];
    else break;
  }
  return s;
}

// What input a property needs: int, num, bool, enum or list (null when the form skips it).
function inputKind(prop, root) {
  let s = resolveRef(prop, root);
  let nullable = false;
  if (s.anyOf) {
    const some = s.anyOf.filter((x) => x.type !== "null");
    nullable = some.length < s.anyOf.length;
    if (some.length !== 1) return null;
    s = resolveRef(some[0], root);
  }
  if (s.enum) return { type: "enum", options: s.enum, nullable };
  if (s.type === "integer") return { type: "int", nullable, min: s.minimum, max: s.maximum };
  if (s.type === "number") return { type: "num", nullable, min: s.minimum ?? s.exclusiveMinimum, max: s.maximum };
  if (s.type === "boolean") return { type: "bool", nullable };
  if (s.type === "array") return { type: "list" };
  return null;
}

// One labelled input for a property; its data-key and data-type say how to read it back.
function propertyInput(key, prop, root, extra = {}) {
  const kind = inputKind(prop, root);
  if (!kind) return null;
  const help = prop.description || resolveRef(prop, root).description || "";
  const base = { name: key, "data-key": key, "data-type": kind.type, title: help };
  const shown = prop.default === undefined || prop.default === null ? "" : String(prop.default);
  let control;
  if (kind.type === "enum" || kind.type === "bool") {
    const options = kind.type === "bool" ? ["yes", "no"] : kind.options;
    const blank = shown ? `default (${shown === "true" ? "yes" : shown === "false" ? "no" : shown})` : "unchanged";
    control = el("select", base, el("option", { value: "" }, blank), ...options.map((o) => el("option", { value: o }, o)));
  } else if (kind.type === "list") {
    if (extra.options && extra.options.length) {
      control = el("span", { class: "checks", "data-key": key, "data-type": "checks", title: help },
        ...extra.options.map((o) => el("label", {}, el("input", { type: "checkbox", value: o }), " " + o)));
    } else {
      control = el("input", Object.assign({}, base, { placeholder: extra.placeholder || "comma-separated" }));
    }
  } else {
    control = el("input", Object.assign({}, base, { type: "number", step: kind.type === "int" ? 1 : "any", placeholder: shown }));
  }
  return el("label", { class: kind.type === "list" ? "wide" : "" }, label(key), control);
}

// The values a fieldset's inputs hold, as JSON (blank inputs left out).
function readInputs(box) {
  const out = {};
  for (const node of box.querySelectorAll("[data-key]")) {
    const key = node.dataset.key;
    const type = node.dataset.type;
    if (type === "checks") {
      const ticked = [...node.querySelectorAll("input:checked")].map((i) => i.value);
      if (ticked.length) out[key] = ticked;
      continue;
    }
    const v = node.value.trim();
    if (v === "") continue;
    if (type === "int" || type === "num") out[key] = Number.isFinite(Number(v)) ? Number(v) : v;
    else if (type === "bool") out[key] = v === "yes";
    else if (type === "list") out[key] = v.split(",").map((x) => x.trim()).filter(Boolean);
    else out[key] = v;
  }
  return out;
}

// Fill the parameter and what-if fieldsets for a kind's schema.
function buildParamForm(schema, paramsBox, whatifBox, ctx) {
  const props = schema.properties || {};
  const whatif = props.whatif ? resolveRef(props.whatif, schema) : null;
  const whatifKeys = new Set(Object.keys((whatif && whatif.properties) || {}));
  const keys = Object.keys(props).filter((k) => !HIDDEN_PARAMS.has(k) && !whatifKeys.has(k));
  keys.sort((a, b) => (a === "seed" ? -1 : b === "seed" ? 1 : 0));
  const legend = (box) => box.querySelector("legend");
  paramsBox.replaceChildren(legend(paramsBox), ...keys.map((k) => propertyInput(k, props[k], schema)).filter(Boolean));
  paramsBox.hidden = keys.length === 0;
  if (!whatif) { whatifBox.replaceChildren(legend(whatifBox)); whatifBox.hidden = true; return; }
  whatifBox.hidden = false;
  const inputs = Object.entries(whatif.properties).map(([k, p]) => {
    if (k === "without") return propertyInput(k, p, schema, { options: ctx.contributors || [], placeholder: "contributor codes, comma-separated (e.g. GBR, FRA)" });
    if (k === "lift") {
      const kinds = (choices().lifts || []).join(", ");
      return propertyInput(k, p, schema, { placeholder: `KIND or NATION:KIND, comma-separated; kinds: ${kinds}` });
    }
    if (k === "closed") return propertyInput(k, p, schema, { placeholder: "entry point ids, comma-separated" });
    return propertyInput(k, p, schema);
  }).filter(Boolean);
  whatifBox.replaceChildren(legend(whatifBox), ...inputs);
}

function paramsFrom(paramsBox, whatifBox) {
  const params = readInputs(paramsBox);
  if (!whatifBox.hidden) {
    const w = readInputs(whatifBox);
    if (Object.keys(w).length) params.whatif = w;
  }
  return params;
}

async function contributorsOf(name) {
  if (!name) return [];
  const sc = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  return sc.contributors.map((c) => c.code);
}

// ---- the comparison table ----------------------------------------------------------------
function fmtNumber(v) {
  if (v === null || v === undefined) return "–";
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en");
  if (a >= 10) return v.toFixed(1);
  return a >= 0.1 || a === 0 ? v.toFixed(2) : v.toPrecision(2);
}

function intervalText(iv) { return iv ? `90%: ${fmtNumber(iv.low)} – ${fmtNumber(iv.high)}` : ""; }

// The comparison document (guarantor-comparison/2) as a table: one row per figure, one
// column per option; later options show their difference from the first, real or not.
function comparisonView(doc) {
  const names = doc.options.map((o) => o.scenario);
  const head = el("tr", {}, el("th", {}, "Figure"), ...names.map((n, i) =>
    el("th", { class: "num" }, n, i === 0 ? el("div", { class: "muted" }, "(base)") : "")));
  const rows = doc.metrics.map((m) => el("tr", { "data-metric": m.key, class: m.highlight ? "highlight" : "" },
    el("td", {}, m.label),
    ...names.map((n, i) => {
      const d = m.versus_first[n];
      const cell = el("td", { class: "num" + (m.best === n ? " best" : ""), "data-option": n },
        el("div", { class: "value" }, fmtNumber(m.values[n]), m.best === n ? " ★" : ""),
        el("div", { class: "muted small" }, intervalText(m.intervals[n])));
      if (i > 0 && d) {
        const sign = d.change > 0 ? "+" : "";
        cell.append(el("div", { class: "diff " + (d.real ? "real" : "not-real") },
          d.change === null ? "no difference computed" :
            `${sign}${fmtNumber(d.change)} vs ${names[0]}: ${d.real ? "real" : "not real"}`,
          d.interval ? el("span", { class: "muted small" }, ` (${fmtNumber(d.interval.low)} to ${fmtNumber(d.interval.high)})`) : ""));
      }
      return cell;
    })));
  const gaps = el("div", { class: "gaps" }, ...doc.options.map((o) => el("div", {},
    el("h3", {}, `${o.scenario}: biggest gaps`),
    el("ol", {}, ...o.gaps.slice(0, 3).map((g) => el("li", {}, g.text))))));
  return el("div", { class: "comparison" },
    el("p", { class: "muted" }, `Seed ${doc.options[0].seed}; ${doc.design_raid}. `,
      "A difference is real when its 90% interval excludes zero; ★ marks an option that beats every other for real."),
    el("table", { id: "comparison-table" }, el("thead", {}, head), el("tbody", {}, ...rows)), gaps);
}

// ---- runs --------------------------------------------------------------------------------
async function refreshRuns() {
  const runs = await api("/api/runs?limit=20");
  $("#runs tbody").replaceChildren(...runs.map((r) => el("tr", {},
    el("td", {}, new Date(r.created_at).toLocaleString()), el("td", {}, r.kind),
    el("td", {}, r.scenario + (r.params.others ? " vs " + r.params.others.join(", ") : "")),
    el("td", {}, r.created_by), el("td", {}, r.status),
    el("td", { class: "num" }, Math.round(r.progress * 100) + "%"),
    el("td", {}, r.status === "succeeded" ? el("button", { type: "button", class: "secondary", onclick: () => follow(r.id) }, "Show") : ""))));
}

// Poll a run until it ends, showing its progress in the given elements.
async function watch(id, show) {
  for (;;) {
    const r = await api(`/api/runs/${id}`);
    show.progress.value = r.progress;
    show.status.textContent = r.status;
    show.message.textContent = r.error || r.message || "";
    if (r.status === "succeeded") return { run: r, result: (await api(`/api/runs/${id}/result`)).result };
    if (r.status === "failed") return { run: r, result: null };
    await new Promise((ok) => setTimeout(ok, 400));
  }
}

async function follow(id) {
  $("#current-run").hidden = false;
  $("#run-id").textContent = id;
  $("#run-view").replaceChildren();
  $("#run-result").textContent = "";
  const out = await watch(id, { progress: $("#run-progress"), status: $("#run-status"), message: $("#run-message") });
  if (out.result) {
    $("#run-result").textContent = JSON.stringify(out.result, null, 2);
    $("#run-result").closest("details").open = out.run.kind !== "comparison";
    if (out.run.kind === "comparison") $("#run-view").replaceChildren(comparisonView(out.result));
    if (out.run.kind === "assessment") {
      $("#run-view").replaceChildren(el("p", {}, el("button", { type: "button", id: "run-report", onclick: () => openReport(id) }, "Save the report"),
        ` strength ${Math.round(out.result.headline.strength_score)}/100 (${out.result.headline.strength})`));
    }
  }
  await refreshRuns();
}

async function runsPage() {
  const [kinds, scenarios] = await Promise.all([api("/api/kinds"), api("/api/scenarios")]);
  await refreshRuns();
  if (!ME || !ME.can_plan) { $("#run-form").remove(); $("#run-denied").hidden = false; return; }
  const form = $("#run-form");
  const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k]));
  form.kind.replaceChildren(...kinds.map((k) => el("option", { value: k.kind, title: k.description }, k.kind)));
  form.scenario.replaceChildren(...scenarios.map((s) => el("option", { value: s.name }, s.name)));
  const others = el("label", { class: "wide", id: "run-others" });
  const rebuild = async () => {
    const k = byKind[form.kind.value];
    $("#kind-description").textContent = k ? k.description : "";
    const ctx = { contributors: await contributorsOf(form.scenario.value).catch(() => []) };
    buildParamForm(k ? k.params : {}, $("#run-params"), $("#run-whatif"), ctx);
    others.replaceChildren();
    if (k && k.params.properties && k.params.properties.others) {
      const names = scenarios.map((s) => s.name).filter((n) => n !== form.scenario.value);
      others.append("compare with", el("span", { class: "checks", "data-key": "others", "data-type": "checks" },
        ...names.map((n) => el("label", {}, el("input", { type: "checkbox", value: n }), " " + n))));
      $("#run-params").append(others);
      $("#run-params").hidden = false;
    }
  };
  form.kind.onchange = rebuild;
  form.scenario.onchange = rebuild;
  await rebuild();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const box = $("#run-errors");
    box.replaceChildren();
    const params = paramsFrom($("#run-params"), $("#run-whatif"));
    try {
      const run = await api("/api/runs", { method: "POST", json: { kind: form.kind.value, scenario: form.scenario.value, params } });
      await follow(run.id);
    } catch (err) { showErrors(box, err); }
  };
}

// ---- scenarios and comparison ------------------------------------------------------------
async function scenariosPage() {
  const [list, kinds] = await Promise.all([api("/api/scenarios"), api("/api/kinds")]);
  $("#scenarios tbody").replaceChildren(...list.map((s) => el("tr", { "data-name": s.name },
    el("td", {}, el("input", { type: "checkbox", value: s.name, "aria-label": `compare ${s.name}` })), el("td", {}, s.name),
    el("td", {}, s.title), el("td", {}, s.as_of), el("td", {}, s.variant_of || "–"),
    el("td", { class: "num" }, s.pledges), el("td", { class: "num" }, s.revision),
    el("td", {}, el("a", { href: `/scenario?name=${encodeURIComponent(s.name)}` }, ME && ME.can_plan ? "Edit" : "View")))));
  const kind = kinds.find((k) => k.kind === "comparison");
  if (!ME || !ME.can_plan || !kind) {
    $("#compare-form").remove();
    $("#compare-denied").hidden = false;
    for (const box of document.querySelectorAll("#scenarios input[type=checkbox]")) box.closest("td").replaceChildren();
    return;
  }
  // The order options were ticked in: the first is the base.
  const ticked = [];
  for (const box of document.querySelectorAll("#scenarios input[type=checkbox]")) {
    box.onchange = () => {
      const i = ticked.indexOf(box.value);
      if (box.checked && i < 0) ticked.push(box.value);
      if (!box.checked && i >= 0) ticked.splice(i, 1);
    };
  }
  buildParamForm(kind.params, $("#compare-params"), $("#compare-whatif"), { contributors: [] });
  $("#compare-form").onsubmit = async (ev) => {
    ev.preventDefault();
    const box = $("#compare-errors");
    box.replaceChildren();
    flash("");
    if (ticked.length < 2) { flash("Tick two or more scenarios to compare.", "warn"); return; }
    const params = Object.assign(paramsFrom($("#compare-params"), $("#compare-whatif")), { others: ticked.slice(1) });
    try {
      const run = await api("/api/runs", { method: "POST", json: { kind: "comparison", scenario: ticked[0], params } });
      $("#compare-run").hidden = false;
      $("#comparison").replaceChildren();
      const out = await watch(run.id, { progress: $("#compare-progress"), status: $("#compare-status"), message: $("#compare-message") });
      if (out.result) $("#comparison").replaceChildren(comparisonView(out.result));
    } catch (err) { showErrors(box, err); }
  };
}

PAGES.runs = runsPage;
PAGES.scenarios = scenariosPage;
