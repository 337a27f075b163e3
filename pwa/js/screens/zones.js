// The council officer's zones: draw one or list its postcode districts, set providers' shares of new work,
// offer new care packages, and see each zone's pick-up rate, time to place and packages waiting.
import * as api from "../api.js";
import { table } from "../charts.js";
import { errorText } from "../commission-parts.js";
import { field, h, message, options, replace } from "../dom.js";
import { locale, t } from "../i18n.js";
import { zoneDrawing } from "../zone-drawing.js";

const DEFAULT_HOURS = 24;

function when(iso) {
  return new Date(iso).toLocaleString(locale(), { timeZone: "Europe/London", dateStyle: "short", timeStyle: "short" });
}

function statusChip(status) {
  const tone = { open: "tone-late", placed: "tone-done", unplaced: "tone-missed", withdrawn: "tone-cancelled" }[status];
  return h("span", { class: `chip ${tone}` }, t(`commission.status.${status}`));
}

function figures(f) {
  const pct = f.pick_up_pct === null ? "—" : `${f.pick_up_pct}%`;
  const hours = f.median_hours_to_place === null ? "—" : t("commission.zones.hours_value", { n: f.median_hours_to_place });
  return h("dl", { class: "numbers zone-figures" },
    h("dt", {}, t("commission.zones.pick_up")), h("dd", {}, pct),
    h("dt", {}, t("commission.zones.time_to_place")), h("dd", {}, hours),
    h("dt", {}, t("commission.zones.waiting")), h("dd", {}, String(f.waiting)));
}

function sharesForm(zone, contracts, refresh) {
  const status = h("div", { "aria-live": "polite" });
  const placed = new Map(zone.figures.providers.map((p) => [p.contract_id, p]));
  const current = new Map(zone.providers.map((p) => [p.contract_id, p.share_pct]));
  const inputs = contracts.map((c) => {
    const input = h("input", { type: "number", min: 0, max: 100, step: 1, inputmode: "numeric", value: current.get(c.id) ?? "" });
    const done = placed.get(c.id);
    return [c, input, field(t("commission.zones.share_of", { provider: `${c.provider_name} (${c.reference})` }), input,
      done ? t("commission.zones.placed_of", { placed: done.placed, pct: done.placed_pct === null ? "—" : `${done.placed_pct}%` }) : null)];
  });
  const sum = h("p", { class: "muted" });
  const total = () => replace(sum, t("commission.zones.sum", { sum: inputs.reduce((n, [, i]) => n + Number(i.value || 0), 0) }));
  inputs.forEach(([, i]) => i.addEventListener("input", total));
  total();
  const form = h("form", { "aria-label": `${t("commission.zones.shares")}: ${zone.name}` },
    h("h3", {}, t("commission.zones.shares")), h("div", { class: "filters" }, inputs.map(([, , f]) => f)), sum,
    h("button", { class: "btn btn--primary", type: "submit" }, t("commission.zones.save_shares")), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const providers = inputs.filter(([, i]) => i.value !== "" && Number(i.value) > 0)
      .map(([c, i]) => ({ contract_id: c.id, share_pct: Number(i.value) }));
    try {
      await api.put(`/api/v1/zones/${zone.id}/providers`, { providers });
      await refresh(t("commission.zones.shares_saved"));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  });
  return form;
}

function zoneCard(zone, contracts, refresh) {
  const f = zone.figures;
  const archive = h("button", { class: "btn btn--small btn--danger", type: "button" }, t("commission.zones.archive"));
  archive.addEventListener("click", async () => {
    await api.request("DELETE", `/api/v1/zones/${zone.id}`);
    await refresh(t("commission.zones.archived", { name: zone.name }));
  });
  return h("article", { class: "panel zone-card", "aria-labelledby": `zone-${zone.id}` },
    h("h3", { id: `zone-${zone.id}` }, zone.name),
    h("p", {}, zone.postcode_districts.join(", ") || "—", " · ",
      t(zone.polygon ? "commission.zones.has_polygon" : "commission.zones.no_polygon"), " · ",
      t("commission.zones.hours_value", { n: zone.offer_response_hours ?? DEFAULT_HOURS })),
    figures(f),
    h("p", { class: "muted" }, t("commission.zones.figures", f)),
    sharesForm(zone, contracts, refresh),
    h("div", { class: "item-actions" }, archive));
}

function zoneForm(homes, zones, refresh) {
  const name = h("input", { required: true, maxlength: 120 });
  const districts = h("input", { autocapitalize: "characters" });
  const hours = h("input", { type: "number", min: 1, max: 336, inputmode: "numeric" });
  const pad = zoneDrawing({ homes, zones });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "panel", "aria-labelledby": "zone-new-title" },
    h("h2", { id: "zone-new-title" }, t("commission.zones.new")),
    h("div", { class: "filters" }, field(t("commission.zones.name"), name),
      field(t("commission.zones.districts"), districts, t("commission.zones.districts_hint")),
      field(t("commission.zones.hours"), hours, t("commission.zones.hours_hint", { hours: DEFAULT_HOURS }))),
    h("h3", {}, t("commission.zones.polygon")), h("p", { class: "hint" }, t("commission.zones.polygon_hint")), pad.node,
    h("button", { class: "btn btn--primary", type: "submit" }, t("commission.zones.create")), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { name: name.value, postcode_districts: districts.value.split(/[\s,;]+/).filter(Boolean),
      polygon: pad.polygon(), offer_response_hours: hours.value ? Number(hours.value) : null };
    try {
      await api.post("/api/v1/zones", body);
      await refresh(t("commission.zones.created", { name: body.name }));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  });
  return form;
}

function offerForm(zones, refresh) {
  const zone = h("select", {}, h("option", { value: "" }, t("commission.offer.zone_auto")), options(zones.map((z) => [z.id, z.name])));
  const input = (attrs = {}) => h("input", { required: true, ...attrs });
  const c = {
    client_name: input({ maxlength: 200 }), client_address: input({ maxlength: 400 }), postcode: input({ maxlength: 16 }),
    lat: input({ type: "number", step: "any", min: -90, max: 90 }), lon: input({ type: "number", step: "any", min: -180, max: 180 }),
    hours: input({ type: "number", step: "0.25", min: 0.25, inputmode: "decimal" }),
    pattern_summary: input({ maxlength: 400 }), needs_summary: h("textarea", { rows: 2, maxlength: 2000 }),
    starts_on: input({ type: "date" }),
  };
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "panel", "aria-labelledby": "offer-new-title" },
    h("h2", { id: "offer-new-title" }, t("commission.offer.new")),
    h("div", { class: "filters" }, field(t("commission.offer.zone"), zone),
      field(t("commission.offer.client_name"), c.client_name), field(t("commission.offer.address"), c.client_address),
      field(t("commission.offer.postcode"), c.postcode), field(t("commission.offer.lat"), c.lat),
      field(t("commission.offer.lon"), c.lon), field(t("commission.offer.hours"), c.hours),
      field(t("commission.offer.pattern"), c.pattern_summary, t("commission.offer.pattern_hint")),
      field(t("commission.offer.starts"), c.starts_on)),
    field(t("commission.offer.needs"), c.needs_summary),
    h("button", { class: "btn btn--primary", type: "submit" }, t("commission.offer.send")), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { zone_id: zone.value ? Number(zone.value) : null, client_name: c.client_name.value,
      client_address: c.client_address.value, postcode: c.postcode.value, lat: Number(c.lat.value), lon: Number(c.lon.value),
      weekly_minutes: Math.round(Number(c.hours.value) * 60), pattern_summary: c.pattern_summary.value,
      needs_summary: c.needs_summary.value || null, starts_on: c.starts_on.value };
    try {
      const offer = await api.post("/api/v1/package-offers", body);
      await refresh(t("commission.offer.sent", { provider: offer.turns[0]?.provider_name ?? "" }));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  });
  return form;
}

function offerHistory(offer) {
  const current = offer.turns.find((turn) => turn.outcome === "waiting");
  const past = offer.turns.filter((turn) => turn.outcome === "declined" || turn.outcome === "expired").map((turn) =>
    h("li", {}, t(`commission.offers.${turn.outcome}`, { provider: turn.provider_name, reason: turn.reason })));
  const placed = offer.turns.find((turn) => turn.outcome === "accepted");
  return [current ? t("commission.offers.until", { provider: current.provider_name, time: when(current.expires_at) })
    : placed ? placed.provider_name : "—", past.length ? h("ul", { class: "plain-list muted" }, past) : null];
}

function offersTable(offers, refresh) {
  if (!offers.length) return message("ok", t("commission.offers.none"));
  return table({
    caption: t("commission.offers.caption"),
    head: [t("commission.offers.when"), t("commission.offers.area"), t("commission.offers.package"), t("commission.offers.status"),
      t("commission.offers.with")],
    rows: offers.map((o) => {
      const withdraw = o.status === "open" ? h("button", { class: "btn btn--small", type: "button", onClick: async () => {
        const reason = window.prompt(t("commission.offers.withdraw_reason"));
        if (!reason) return;
        await api.post(`/api/v1/package-offers/${o.id}/withdraw`, { reason });
        await refresh();
      } }, t("commission.offers.withdraw")) : null;
      return [when(o.created_at), `${o.zone_name} (${o.postcode_district})`,
        [t("commission.offers.hours_week", { hours: o.weekly_minutes / 60 }), h("br"), o.pattern_summary],
        statusChip(o.status), [offerHistory(o), withdraw]];
    }),
  });
}

export async function render(main) {
  const notice = h("div", { "aria-live": "polite" });
  const body = h("div");
  main.append(h("section", { "aria-labelledby": "zones-title" },
    h("h1", { id: "zones-title" }, t("commission.zones.title")),
    h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: "#/council" }, t("commission.back"))), notice, body));

  async function refresh(said) {
    let zones, contracts, offers, homes;
    try {
      [zones, contracts, offers, homes] = await Promise.all(["/api/v1/zones", "/api/v1/contracts", "/api/v1/package-offers",
        "/api/v1/clients"].map((path) => api.get(path)));
    } catch (err) {
      replace(notice, message("error", errorText(err)));
      return;
    }
    replace(notice, said ? message("ok", said) : null);
    replace(body,
      zones.length ? h("div", { class: "zone-list" }, zones.map((z) => zoneCard(z, contracts, refresh)))
        : message("warn", t("commission.zones.none")),
      zones.length ? offerForm(zones, refresh) : null,
      h("section", { class: "panel", "aria-labelledby": "offers-title" },
        h("h2", { id: "offers-title" }, t("commission.offers.title")), offersTable(offers, refresh)),
      zoneForm(homes.map((c) => ({ lat: c.lat, lon: c.lon })), zones, refresh));
  }
  await refresh();
}
