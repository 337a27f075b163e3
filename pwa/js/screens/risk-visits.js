// The visits behind one number of the provider risk ranking, with the same list as a CSV download.
import * as api from "../api.js";
import { table } from "../charts.js";
import { downloadButton, errorText } from "../commission-parts.js";
import { h, message } from "../dom.js";
import { t } from "../i18n.js";

const REPORT_OF = { regular_pct: "continuity", delivered_pct: "delivery" };

export async function render(main, { params, user }) {
  const p = new URLSearchParams(params[0]);
  const kpi = p.get("kpi");
  const q = { contract_id: p.get("contract"), date_from: p.get("from"), date_to: p.get("to") };
  const name = t(`commission.kpi.${kpi}`);
  const status = h("div", { "aria-live": "polite" });
  const section = h("section", { "aria-labelledby": "risk-visits-title" },
    h("h1", { id: "risk-visits-title" }, t("commission.visits.title", { kpi: name })),
    h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: user.role === "council_officer" ? "#/council/risk" : "#/risk" }, t("commission.back.risk"))));
  main.append(section);
  let body;
  let contracts;
  try {
    [body, contracts] = await Promise.all([api.get("/api/v1/reports/provider-risk/visits", { ...q, kpi }),
      api.get("/api/v1/contracts")]);
  } catch (err) {
    section.append(message("error", errorText(err)));
    return;
  }
  const contract = contracts.find((c) => String(c.id) === q.contract_id);
  const csv = { ...q, kpi, format: "csv" };
  section.append(h("div", {},
    h("p", {}, t("commission.visits.summary", { provider: contract?.provider_name ?? "", from: q.date_from,
      to: q.date_to, total: body.total })),
    body.total > body.rows.length ? h("p", { class: "hint" }, t("commission.visits.more", { shown: body.rows.length, total: body.total })) : null,
    h("div", { class: "downloads" },
      downloadButton(t("commission.visits.csv"), "/api/v1/reports/provider-risk/visits", csv, `caremon-${kpi}.csv`, status),
      REPORT_OF[kpi] ? downloadButton(`${name} (CSV)`, `/api/v1/reports/${REPORT_OF[kpi]}`,
        { ...q, format: "csv" }, `caremon-${REPORT_OF[kpi]}.csv`, status) : null),
    status,
    body.rows.length ? table({
      caption: t("commission.visits.caption", { kpi: name }),
      head: [t("commission.col.date"), t("commission.col.time"), t("commission.col.client"), t("commission.col.status"),
        t("commission.col.flags"), t("commission.col.rating")],
      rows: body.rows.map((r) => [r.local_date, r.local_time, `${r.client_name}${r.client_reference ? ` (${r.client_reference})` : ""}`,
        r.status, r.flags.join(", ") || "—", r.family_rating ?? "—"]),
    }) : message("ok", t("commission.visits.none"))));
}
