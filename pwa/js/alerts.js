// The coordinator's open alerts (late, missed, likely late, no check-out, doses), newest first, acknowledged with one tap.
import * as api from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { formatTime } from "./time.js";

const GLYPHS = { late: "alert", missed: "cross", predicted_delay: "clock", no_checkout: "alert", outside_geofence: "nopin",
  time_critical_dose: "clock" };

export function loadAlerts() {
  return api.get("/api/v1/alerts", { status: "open" });
}

/** visitOf(id) gives today's visit when the board has it, to name the call by its time. */
export function renderAlerts(alerts, { onAcknowledge, onOpen, visitOf }) {
  if (!alerts.length) return h("p", { class: "muted" }, t("coord.alerts.none"));
  return h("ul", { class: "plain-list alerts" }, alerts.map((a) => {
    const label = GLYPHS[a.kind] ? t(`coord.alerts.kind.${a.kind}`) : a.kind.replaceAll("_", " ");
    const glyph = GLYPHS[a.kind] || "alert";
    const client = a.client_name || t("coord.alerts.client");
    return h("li", { dataset: { alertId: a.id, kind: a.kind, visitId: a.visit_id } },
      h("span", { class: `alert-kind${["late", "missed"].includes(a.kind) ? " alert-late" : ""}` }, icon(glyph), ` ${label}`),
      h("span", { class: "muted" }, ` · ${t("coord.alerts.raised", { time: formatTime(a.raised_at) })}`),
      h("p", {}, h("strong", {}, client),
        visitOf(a.visit_id) ? ` (${t("coord.alerts.visitAt", { time: formatTime(visitOf(a.visit_id).planned_start) })})` : "",
        a.detail ? `: ${a.detail}` : "",
        a.expected_arrival ? ` ${t("coord.alerts.expected", { time: formatTime(a.expected_arrival) })}` : ""),
      h("div", { class: "item-actions" },
        h("button", { class: "btn btn--small btn--primary", type: "button", onClick: () => onAcknowledge(a),
          "aria-label": t("coord.alerts.acknowledgeLabel", { kind: label, client }) }, t("coord.alerts.acknowledge")),
        h("button", { class: "btn btn--small", type: "button", onClick: () => onOpen(a.visit_id),
          "aria-label": t("coord.alerts.openLabel", { client }) }, t("coord.alerts.open"))));
  }));
}

export function acknowledge(alert) {
  return api.post(`/api/v1/alerts/${alert.id}/acknowledge`, {});
}
