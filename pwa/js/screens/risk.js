// Provider risk: each provider of the caller's contracts rated Green, Amber or Red, its trend, and a way to the
// visits behind every number; council officers also set each contract's amber and red lines here.
import * as api from "../api.js";
import { table } from "../charts.js";
import { KPIS, errorText, kpiValue, periodFields, ratingChip } from "../commission-parts.js";
import { field, h, message, options, replace, s } from "../dom.js";
import { t } from "../i18n.js";

// Figures kept per client by their reports: the link opens the report's CSV rather than a visit list.
const BY_CLIENT = { regular_pct: "continuity", delivered_pct: "delivery" };
const RAG_FILL = { green: "#1d7a3a", amber: "#b36b00", red: "#b3201c", none: "#c5cccb" };

function trendStrip(trend) {
  const label = t("commission.risk.trend_label", {
    n: trend.length, ratings: trend.map((p) => t(`commission.rating.${p.rating}`)).join(", "),
  });
  return s("svg", { class: "rag-trend", viewBox: `0 0 ${trend.length * 16} 16`, width: trend.length * 16, height: 16,
    role: "img", "aria-label": label },
  trend.map((p, i) => s("rect", { x: i * 16 + 1, y: 1, width: 14, height: 14, rx: 3, fill: RAG_FILL[p.rating] },
    s("title", {}, `${p.date_from} – ${p.date_to}: ${t(`commission.rating.${p.rating}`)}`))));
}

function kpiLink(row, kpi, q) {
  const figure = row.kpis[kpi];
  const value = kpiValue(kpi, figure.value);
  const names = { kpi: t(`commission.kpi.${kpi}`), provider: row.provider_name, value };
  const query = new URLSearchParams({ contract: row.contract_id, kpi, from: q.date_from, to: q.date_to });
  const link = h("a", { href: `#/risk/visits?${query}`, class: `rag-value rag-value--${figure.rating}`,
    "aria-label": t(BY_CLIENT[kpi] ? "commission.risk.report_link" : "commission.risk.visits_link", names) }, value);
  return h("span", { class: "rag-cell" }, link, h("span", { class: "visually-hidden" }, t(`commission.rating.${figure.rating}`)));
}

function rankingTable(body, q) {
  const head = [t("commission.risk.provider"), ...KPIS.map((k) => t(`commission.kpi.${k}`)), t("commission.risk.trend")];
  return table({
    caption: t("commission.risk.caption", { from: q.date_from, to: q.date_to }), head,
    rows: body.rows.map((row) => [
      h("span", { class: "rag-provider" }, ratingChip(row.rating), " ", row.provider_name,
        h("span", { class: "muted" }, ` ${row.contract_reference}`)),
      ...KPIS.map((kpi) => kpiLink(row, kpi, q)),
      trendStrip(row.trend),
    ]),
  });
}

function thresholdsForm(row, onSaved) {
  const status = h("div", { "aria-live": "polite" });
  const inputs = {};
  const grid = h("div", { class: "filters" });
  const load = async () => {
    const lines = await api.get(`/api/v1/contracts/${row.contract_id}/risk-thresholds`);
    replace(grid, KPIS.flatMap((kpi) => ["amber", "red"].map((level) => {
      const own = lines.thresholds[kpi];
      const input = h("input", { type: "number", step: "0.1", inputmode: "decimal", value: own ? own[level] : "",
        placeholder: String(lines.defaults[kpi][level]) });
      inputs[`${kpi}.${level}`] = input;
      return field(t(`commission.thresholds.${level}`, { kpi: t(`commission.kpi.${kpi}`) }), input,
        t("commission.thresholds.default", { value: lines.defaults[kpi][level] }));
    })));
  };
  const save = async (thresholds) => {
    try {
      await api.put(`/api/v1/contracts/${row.contract_id}/risk-thresholds`, { thresholds });
      replace(status, message("ok", t("commission.thresholds.saved", { contract: row.contract_reference })));
      await onSaved();
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  };
  const form = h("form", {},
    h("p", { class: "hint" }, t("commission.thresholds.hint")), grid,
    h("div", { class: "item-actions" },
      h("button", { class: "btn btn--primary", type: "submit" }, t("commission.thresholds.save")),
      h("button", { class: "btn", type: "button", onClick: () => save({}).then(load) }, t("commission.thresholds.reset"))),
    status);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const thresholds = {};
    for (const kpi of KPIS) {
      const amber = inputs[`${kpi}.amber`].value;
      const red = inputs[`${kpi}.red`].value;
      if (amber !== "" || red !== "") {
        thresholds[kpi] = { amber: Number(amber || inputs[`${kpi}.amber`].placeholder),
          red: Number(red || inputs[`${kpi}.red`].placeholder) };
      }
    }
    save(thresholds);
  });
  const details = h("details", { class: "panel" },
    h("summary", {}, t("commission.thresholds.title", { contract: `${row.contract_reference} (${row.provider_name})` })), form);
  details.addEventListener("toggle", () => { if (details.open && !grid.childElementCount) load(); }, { once: false });
  return details;
}

export async function render(main, { user }) {
  const officer = user.role === "council_officer";
  const { first, last, fields } = periodFields();
  const periods = h("select", {}, options([3, 6, 12].map((n) => [n, String(n)]), 6));
  const status = h("div", { "aria-live": "polite" });
  const result = h("div");
  const lines = h("div");
  const form = h("form", { class: "panel filters" }, fields, field(t("commission.periods"), periods),
    h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, t("commission.show"))));
  main.append(h("section", { "aria-labelledby": "risk-title" },
    h("h1", { id: "risk-title" }, t("commission.risk.title")),
    officer ? h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: "#/council" }, t("commission.back"))) : null,
    h("p", { class: "hint" }, t("commission.risk.intro")), form, status, result, lines));

  async function load(e) {
    e?.preventDefault();
    if (!first.value || !last.value || last.value < first.value) {
      replace(status, message("error", t("commission.bad_period")));
      return;
    }
    const q = { date_from: first.value, date_to: last.value, periods: periods.value };
    replace(status, h("p", { class: "muted" }, t("commission.loading")));
    try {
      const body = await api.get("/api/v1/reports/provider-risk", q);
      replace(status, h("p", { class: "rag-counts" }, t("commission.risk.counts", body.totals)));
      replace(result, body.rows.length ? rankingTable(body, q) : message("warn", t("commission.risk.none")));
      if (officer) replace(lines, body.rows.map((row) => thresholdsForm(row, () => load())));
    } catch (err) {
      replace(status, message("error", errorText(err)));
    }
  }
  form.addEventListener("submit", load);
  await load();
}
