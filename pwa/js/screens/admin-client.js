// A provider admin's client: add or edit the details and home (found from a typed address or postcode, or
// a pin on the map), and for a saved client its family links and its care package and visit patterns.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { tileSettings } from "../map.js";
import { pinMap } from "../pin-map.js";
import { careSection } from "./admin-care.js";
import { familySection } from "./admin-family.js";
import { actor, adminBar, errorText, noticeArea, onSubmit } from "./admin-kit.js";

// Where the map looks before a home is known and the provider has no client yet: the middle of Great Britain.
const FALLBACK_CENTRE = { lat: 54.0, lon: -2.0 };

export async function render(main, { params, go }) {
  const id = params[0] ? Number(params[0]) : null;
  const [contracts, clients, settings] = await Promise.all([
    api.get("/api/v1/contracts"), api.get("/api/v1/clients"), tileSettings()]);
  const client = id ? await api.get(`/api/v1/clients/${id}`) : null;
  const notice = noticeArea();
  const title = client ? client.name : t("admin.client.new");
  const sections = h("div", { class: "admin-client-side" });
  main.append(h("div", { class: "admin-client" },
    h("div", {}, h("section", { class: "panel" },
      adminBar(title, h("a", { class: "btn", href: client ? `#/clients/${client.id}` : "#/clients" }, t("admin.client.toList"))),
      notice,
      detailsForm({ client, contracts, clients, settings, notice, saved: (made) => go(`/admin/clients/${made.id}`) }))),
    sections));
  if (client) {
    const workers = (await api.get("/api/v1/workers")).filter((w) => w.active);
    sections.append(await familySection(client), await careSection(client, workers));
  } else {
    sections.append(h("section", { class: "panel" }, h("p", { class: "muted" }, t("admin.client.saveFirst"))));
  }
}

function centreOf(clients) {
  if (!clients.length) return FALLBACK_CENTRE;
  return { lat: clients.reduce((a, c) => a + c.lat, 0) / clients.length, lon: clients.reduce((a, c) => a + c.lon, 0) / clients.length };
}

function input(name, attrs = {}) {
  return h("input", { name, autocomplete: "off", ...attrs });
}

function detailsForm({ client, contracts, clients, settings, notice, saved }) {
  const c = client || {};
  const name = input("name", { required: true, maxlength: 200, value: c.name || "" });
  const reference = input("reference", { maxlength: 64, value: c.reference || "" });
  const address = h("textarea", { name: "address", required: true, maxlength: 400, rows: 2 }, c.address || "");
  const postcode = input("postcode", { maxlength: 16, value: c.postcode || "", autocapitalize: "characters" });
  const contract = client ? null : h("select", { name: "contract_id", required: true },
    options(contracts.map((k) => [k.id, `${k.reference} (${k.council_name})`]), contracts[0]?.id));
  const lat = input("lat", { type: "number", step: "any", min: -90, max: 90, required: true, value: c.lat ?? "" });
  const lon = input("lon", { type: "number", step: "any", min: -180, max: 180, required: true, value: c.lon ?? "" });
  const contractRadius = (contracts.find((k) => k.id === (c.contract_id ?? contracts[0]?.id)) || {}).geofence_radius_m;
  const radius = input("geofence_radius_m", { type: "number", min: 10, max: 5000, step: 1, value: c.geofence_radius_m ?? "",
    placeholder: contractRadius ? String(contractRadius) : "" });
  const notes = h("textarea", { name: "access_notes", maxlength: 4000, rows: 3 }, c.access_notes || "");
  const active = h("input", { type: "checkbox", name: "active", checked: client ? c.active : true });
  const map = pinMap({ settings, point: client ? { lat: c.lat, lon: c.lon } : null, centre: centreOf(clients),
    onPick: (la, lo) => { lat.value = la; lon.value = lo; } });
  const moveMap = () => map.setPoint(Number.parseFloat(lat.value), Number.parseFloat(lon.value));
  lat.addEventListener("change", moveMap);
  lon.addEventListener("change", moveMap);
  const finder = addressFinder({ seed: () => postcode.value.trim() || address.value.trim(), place: (p) => {
    lat.value = p.lat;
    lon.value = p.lon;
    if (!address.value.trim()) address.value = p.address;
    map.setPoint(p.lat, p.lon);
  } });
  const form = h("form", { class: "admin-form", "aria-labelledby": "client-details-title" },
    h("h2", { id: "client-details-title" }, t("admin.client.details")),
    h("div", { class: "field-row" }, field(t("admin.client.name"), name), field(t("admin.client.reference"), reference)),
    contract ? field(t("admin.client.contract"), contract) : null,
    field(t("admin.client.address"), address),
    h("div", { class: "field-row" }, field(t("admin.client.postcode"), postcode)),
    h("fieldset", { class: "admin-home-location" }, h("legend", {}, t("admin.client.home")),
      h("p", { class: "hint" }, t("admin.client.homeHint")),
      finder, map.element,
      h("div", { class: "field-row" }, field(t("admin.client.lat"), lat), field(t("admin.client.lon"), lon))),
    field(t("admin.client.radius"), radius, t("admin.client.radiusHint", { m: contractRadius ?? "—" })),
    field(t("admin.client.notes"), notes, t("admin.client.notesHint")),
    client ? h("label", { class: "check" }, active, " ", t("admin.client.active")) : null,
    h("button", { class: "btn btn--primary", type: "submit" }, client ? t("common.save") : t("admin.client.add")));
  const act = actor(notice);
  return onSubmit(form, () => {
    const body = {
      name: name.value.trim(), reference: reference.value.trim() || null, address: address.value.trim(),
      postcode: postcode.value.trim() || null, lat: Number.parseFloat(lat.value), lon: Number.parseFloat(lon.value),
      geofence_radius_m: radius.value === "" ? null : Number(radius.value), access_notes: notes.value.trim() || null,
    };
    if (client) body.active = active.checked;
    else body.contract_id = Number(contract.value);
    let made = null;
    act(async () => {
      made = client ? await api.patch(`/api/v1/clients/${client.id}`, body) : await api.post("/api/v1/clients", body);
    }, t("admin.saved")).then((ok) => ok && !client && saved(made));
  });
}

/** A search box for an address or postcode, with the places found as buttons to choose from. */
function addressFinder({ seed, place }) {
  const query = input("geocode", { type: "search", maxlength: 200, placeholder: t("admin.client.findPlaceholder") });
  const results = h("div", { "aria-live": "polite" });
  const find = async () => {
    const q = query.value.trim() || seed();
    if (q.length < 2) return replace(results, message("warn", t("admin.client.findEmpty")));
    query.value = q;
    replace(results, h("p", { class: "muted" }, t("admin.client.finding")));
    try {
      const places = await api.get("/api/v1/geocode", { q });
      if (!places.length) return replace(results, message("warn", t("admin.client.notFound", { q })));
      replace(results, h("ul", { class: "plain-list admin-places", "aria-label": t("admin.client.places") },
        places.map((p) => h("li", {}, h("button", { class: "btn btn--small", type: "button", onclick: () => {
          place(p);
          replace(results, message("ok", t("admin.client.placeChosen", { address: p.address })));
        } }, p.address)))));
    } catch (err) {
      replace(results, message(err.code === "geocoder_off" ? "warn" : "error", errorText(err)));
    }
  };
  query.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); find(); } });
  return h("div", { class: "admin-finder" },
    field(t("admin.client.find"), query, t("admin.client.findHint")),
    h("button", { class: "btn", type: "button", onclick: find }, t("admin.client.findButton")),
    results);
}
