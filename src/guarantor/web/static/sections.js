// guarantor web pages: the scenario editor. Each section (general settings, requirements,
// threat, front, sites, forces, assumptions) is read with the scenario's version and saved
// whole with PUT /api/scenarios/{name}/{section}. Planners see inputs and Save; everyone else
// sees the same values as text. Uses the helpers of app.js.
"use strict";

// Provenance columns shared by most items (its assumption flag and note are kept as read).
const PROV = [
  { key: "provenance.source", label: "Source", type: "text", wide: true },
  { key: "provenance.date", label: "Date", type: "text", size: 8 },
  { key: "provenance.confidence", label: "Confidence", type: "select", options: "confidence" },
];

// What each section shows: fields of an object, and lists of items as tables ("" = the
// section itself is the list).
const SECTION_SPECS = {
  general: { title: "General", fields: [
    { key: "title", type: "text", wide: true }, { key: "description", type: "textarea", wide: true },
    { key: "as_of", label: "As of", type: "text", size: 10 },
    { key: "us_role", label: "US role", type: "select", options: "us_roles" },
    { key: "commitment", type: "select", options: "commitments" },
    { key: "ceasefire", type: "bool" },
    { key: "parliamentary_approval_day", label: "Approval day", type: "int" },
    { key: "default_harmony.tour_months", label: "Tour (months)", type: "num" },
    { key: "default_harmony.dwell_months", label: "Dwell (months)", type: "num" },
    ...PROV] },
  requirements: { title: "Requirements", lists: [{ key: "", item: "requirement", blank: { mission_set: "land-reassurance", zone: "ukraine-west", quantity: 1 }, columns: [
    { key: "id", type: "text", size: 16 }, { key: "mission_set", label: "Mission set", type: "select", options: "mission_sets" },
    { key: "capability_class", label: "Class", type: "select", options: "classes" },
    { key: "quantity", type: "int" }, { key: "zone", type: "select", options: "zones" },
    { key: "phase_start_day", label: "From day", type: "int" }, { key: "priority", type: "int" },
    { key: "combat", type: "bool" }, { key: "description", type: "text", wide: true }] }] },
  threat: { title: "Threat", fields: [
    { key: "design_raid", label: "Design raid", type: "text", size: 16 },
    { key: "campaign_days", label: "Campaign (days)", type: "int" },
    { key: "tempo.raid_probability", label: "Raid probability", type: "num" },
    { key: "tempo.mean_drones", label: "Drones per raid", type: "num" },
    { key: "tempo.mean_missiles", label: "Missiles per raid", type: "num" },
    { key: "tempo.provenance.source", label: "Tempo source", type: "text", wide: true },
    { key: "tempo.provenance.date", label: "Tempo date", type: "text", size: 8 },
    { key: "tempo.provenance.confidence", label: "Tempo confidence", type: "select", options: "confidence" }],
  lists: [{ key: "raids", item: "raid", blank: { weapons: {} }, columns: [
    { key: "name", type: "text", size: 14 }, { key: "weapons", label: "Weapons (name=count, ...)", type: "counts", wide: true }, ...PROV] }] },
  front: { title: "Front", lists: [{ key: "axes", item: "axis", blank: { terrain: "mixed", fortification: 1 }, columns: [
    { key: "name", type: "text", size: 12 }, { key: "length_km", label: "Length (km)", type: "num" },
    { key: "terrain", type: "select", options: "terrains" }, { key: "fortification", type: "num" },
    { key: "ukrainian_brigades", label: "UA brigades", type: "num" },
    { key: "russian_personnel", label: "RU personnel", type: "int" }, ...PROV] }] },
  sites: { title: "Sites", lists: [{ key: "", item: "site", blank: { kind: "hub", zone: "ukraine-west" }, columns: [
    { key: "name", type: "text", size: 12 }, { key: "kind", type: "select", options: "site_kinds" },
    { key: "zone", type: "select", options: "zones" }, { key: "lat", type: "num" }, { key: "lon", type: "num" },
    { key: "nations", label: "Nations", type: "list", size: 10 }, { key: "personnel", type: "int" },
    { key: "distance_to_line_km", label: "To line (km)", type: "num" },
    { key: "reaction_hours", label: "Reaction (h)", type: "num" }, ...PROV] }] },
  ukraine: { title: "Ukraine's forces", fields: [
    { key: "personnel", type: "int" }, { key: "combat_brigades", label: "Combat brigades", type: "int" },
    { key: "brigade_personnel", label: "Brigade strength", type: "int" },
    { key: "reserve_brigades", label: "Reserve brigades", type: "int" }, ...PROV],
  lists: [
    { key: "air_defence", item: "air-defence asset", blank: { layer: "shorad", zone: "kyiv", units: 1 }, columns: [
      { key: "layer", type: "select", options: "layers" }, { key: "zone", type: "select", options: "zones" },
      { key: "units", type: "int" }, { key: "interceptors", type: "int" }, ...PROV] },
    { key: "interceptor_supply", item: "supply", blank: { layer: "medium-sam" }, columns: [
      { key: "layer", type: "select", options: "layers" }, { key: "per_month", label: "Per month", type: "num" }, ...PROV] }] },
  russia: { title: "Russia's forces", fields: [
    { key: "personnel_in_theatre", label: "Personnel in theatre", type: "int" },
    { key: "reinforcement_per_month", label: "Reinforcement per month", type: "int" }, ...PROV] },
  assumptions: { title: "Assumptions", lists: [{ key: "", item: "assumption", blank: {}, columns: [
    { key: "id", type: "text", size: 16 }, { key: "text", type: "text", wide: true },
    { key: "value", type: "value", size: 8 }, ...PROV] }] },
};

function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

// Set a dotted path; a blank value (undefined) removes the field and creates no parent.
function setPath(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== "object") {
      if (value === undefined) return;
      o[k] = {};
    }
    o = o[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last]; else o[last] = value;
}

function shown(col, v) {
  if (v === null || v === undefined || v === "") return "–";
  if (col.type === "bool") return v ? "yes" : "no";
  if (col.type === "counts") return Object.entries(v).map(([k, n]) => `${k}=${n}`).join(", ");
  if (col.type === "list") return v.join(", ");
  return String(v);
}

// An input for a value (or the value as text for a reader); data-col names its field.
function cellInput(col, value, editable) {
  if (!editable) return el("span", { class: "value" }, shown(col, value));
  const attrs = { "data-col": col.key, "aria-label": col.label || col.key };
  if (col.type === "bool") return el("input", Object.assign(attrs, { type: "checkbox" }, value ? { checked: "" } : {}));
  if (col.type === "select") {
    const options = choices()[col.options] || [];
    const all = value && !options.includes(value) ? [value, ...options] : options;
    const blank = value === null || value === undefined ? [el("option", { value: "", selected: "" }, "–")] : [];
    return el("select", attrs, ...blank, ...all.map((o) => el("option", o === value ? { value: o, selected: "" } : { value: o }, o)));
  }
  const text = value === null || value === undefined ? "" : col.type === "counts" || col.type === "list" ? shown(col, value) : String(value);
  if (col.type === "textarea") return el("textarea", Object.assign(attrs, { rows: 3 }), text);
  if (col.type === "int" || col.type === "num") Object.assign(attrs, { type: "number", step: col.type === "int" ? 1 : "any" });
  if (col.size) attrs.size = col.size;
  return el("input", Object.assign(attrs, { value: text, class: col.wide ? "wide" : "" }));
}

// The value an input holds, as the API takes it (blank: left out, so the default applies).
function readCell(col, node, was) {
  if (col.type === "bool") return node.checked;
  if ((col.type === "text" || col.type === "textarea") && node.value.trim() !== "") return node.value;  // as typed
  const v = node.value.trim();
  if (v === "") return undefined;
  if (col.type === "int" || col.type === "num") return Number.isFinite(Number(v)) ? Number(v) : v;
  if (col.type === "list") return v.split(",").map((x) => x.trim()).filter(Boolean);
  if (col.type === "value") return typeof was !== "string" && Number.isFinite(Number(v)) ? Number(v) : v;
  if (col.type === "counts") {
    const out = {};
    for (const part of v.split(",").map((x) => x.trim()).filter(Boolean)) {
      const m = part.match(/^([^=]+)=\s*(-?\d+)$/);
      if (!m) return v;  // sent as typed: the server names the field and why
      out[m[1].trim()] = Number(m[2]);
    }
    return out;
  }
  return v;
}

function itemRow(list, item, editable) {
  const row = el("tr", { class: "item" });
  row.item = item;
  row.append(...list.columns.map((c) => el("td", { class: c.type === "int" || c.type === "num" ? "num" : "" }, cellInput(c, getPath(item, c.key), editable))));
  if (editable) row.append(el("td", {}, el("button", { type: "button", class: "secondary remove", onclick: () => row.remove() }, "Remove")));
  return row;
}

function listTable(list, items, editable) {
  const body = el("tbody", {}, ...items.map((it) => itemRow(list, it, editable)));
  const table = el("table", { class: "items", "data-list": list.key },
    el("thead", {}, el("tr", {}, ...list.columns.map((c) => el("th", {}, c.label || label(c.key))), editable ? el("th", {}) : "")), body);
  const add = editable ? el("button", { type: "button", class: "secondary add", onclick: () =>
    body.append(itemRow(list, structuredClone(list.blank), editable)) }, `Add ${list.item}`) : "";
  return el("div", { class: "list" }, list.key ? el("h3", {}, label(list.key)) : "", table, add);
}

// The section's value from its inputs, on top of what was read (fields the form does not
// show are kept); each input gets the data-path a 422 names it by.
function readSection(name, spec, box, original) {
  const value = (spec.lists || []).some((l) => l.key === "") ? [] : structuredClone(original);
  for (const f of spec.fields || []) {
    const node = box.querySelector(`.fields [data-col="${f.key}"]`);
    node.dataset.path = `${name}.${f.key}`;
    setPath(value, f.key, readCell(f, node, getPath(original, f.key)));
  }
  for (const list of spec.lists || []) {
    const rows = [...box.querySelectorAll(`table[data-list="${list.key}"] > tbody > tr.item`)];
    const items = rows.map((row, i) => {
      const item = structuredClone(row.item);
      for (const c of list.columns) {
        const node = row.querySelector(`[data-col="${c.key}"]`);
        node.dataset.path = [name, list.key, i, c.key].filter((x) => x !== "").join(".");
        setPath(item, c.key, readCell(c, node, getPath(row.item, c.key)));
      }
      return item;
    });
    if (list.key) setPath(value, list.key, items); else return items;
  }
  return value;
}

// Mark the inputs a 422 names (the longest path prefix that has an input).
function markInvalid(box, err) {
  for (const node of box.querySelectorAll(".invalid")) node.classList.remove("invalid");
  if (!(err instanceof ApiError) || !Array.isArray(err.body.detail)) return;
  for (const d of err.body.detail) {
    const parts = (d.loc || []).filter((p) => p !== "body").map(String);
    for (let n = parts.length; n > 0; n--) {
      const node = box.querySelector(`[data-path="${CSS.escape(parts.slice(0, n).join("."))}"]`);
      if (node) { node.classList.add("invalid"); break; }
    }
  }
}

function sectionBox(scenario, name, data, editable) {
  const spec = SECTION_SPECS[name];
  const box = el("section", { class: "edit-section", id: `section-${name}`, "data-section": name, "data-version": data.version });
  const value = data[name];
  const version = el("span", { class: "muted version" }, `version ${data.version}`);
  box.append(el("h2", {}, spec.title, " ", version));
  if (spec.fields) {
    box.append(el("div", { class: "fields grid" }, ...spec.fields.map((f) =>
      el("label", { class: f.wide ? "wide" : "" }, f.label || label(f.key), cellInput(f, getPath(value, f.key), editable)))));
  }
  for (const list of spec.lists || []) box.append(listTable(list, list.key ? getPath(value, list.key) || [] : value, editable));
  if (!editable) return box;
  const errors = el("div", { class: "errors" });
  const save = el("button", { type: "button", class: "save", onclick: async () => {
    errors.replaceChildren();
    const sent = Number(box.dataset.version);
    const body = { version: sent, [name]: readSection(name, spec, box, value) };
    try {
      const saved = await api(`/api/scenarios/${encodeURIComponent(scenario)}/${name}`, { method: "PUT", json: body });
      box.replaceWith(sectionBox(scenario, name, saved, editable));
      if (saved.version !== sent) advanceVersions(sent, saved.version);
      flash(`Saved ${spec.title.toLowerCase()} of ${scenario} (version ${saved.version}).`, "ok");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        flash(`${scenario} was changed by someone else; nothing was saved. Reload the page to see the current values. ${err.message}`, "warn");
      } else {
        showErrors(errors, err);
        markInvalid(box, err);
        flash(`${spec.title}: not saved, see the messages under it.`, "warn");
      }
    }
  } }, `Save ${spec.title.toLowerCase()}`);
  box.append(errors, save);
  return box;
}

// A save moves the scenario's version on by one: sections read at the version it was based
// on are still current, so their next save carries the new version.
function advanceVersions(from, to) {
  for (const box of document.querySelectorAll(".edit-section")) {
    if (Number(box.dataset.version) === from) {
      box.dataset.version = to;
      box.querySelector(".version").textContent = `version ${to}`;
    }
  }
  $("#scenario-version").textContent = `version ${to}`;
}

async function scenarioPage() {
  const list = await api("/api/scenarios");
  const wanted = new URLSearchParams(location.search).get("name");
  const name = list.some((s) => s.name === wanted) ? wanted : (list[0] || {}).name;
  const pick = $("#scenario-pick");
  pick.name.replaceChildren(...list.map((s) => el("option", s.name === name ? { value: s.name, selected: "" } : { value: s.name }, s.name)));
  if (!name) { flash("The store holds no scenario.", "warn"); return; }
  $("#scenario-name").textContent = name;
  const editable = Boolean(ME && ME.can_plan);
  if (!editable) $("#edit-note").textContent = "You can read every section; planners change them.";
  const boxes = await Promise.all(Object.keys(SECTION_SPECS).map(async (s) =>
    sectionBox(name, s, await api(`/api/scenarios/${encodeURIComponent(name)}/${s}`), editable)));
  const toc = el("nav", { class: "toc", "aria-label": "sections" }, ...Object.entries(SECTION_SPECS).map(([s, spec]) =>
    el("a", { href: `#section-${s}` }, spec.title)));
  $("#sections").replaceChildren(toc, ...boxes);
  $("#scenario-version").textContent = boxes.length ? boxes[0].querySelector(".version").textContent : "";
  pick.onsubmit = (ev) => {
    ev.preventDefault();
    location.search = `?name=${encodeURIComponent(pick.name.value)}`;
  };
}

PAGES.scenario = scenarioPage;
