// The coordinator's open alerts (late, missed, likely late, no check-out, doses), newest first, acknowledged with one tap.
import * as api from "./api.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";
import { formatTime } from "./time.js";

const KINDS = {
  late: ["Late", "alert"],
  missed: ["Missed", "cross"],
  predicted_delay: ["Likely to be late", "clock"],
  no_checkout: ["No check-out", "alert"],
  outside_geofence: ["Away from the home", "nopin"],
  time_critical_dose: ["Time-critical dose not recorded", "clock"],
};

export function loadAlerts() {
  return api.get("/api/v1/alerts", { status: "open" });
}

/** visitOf(id) gives today's visit when the board has it, to name the call by its time. */
export function renderAlerts(alerts, { onAcknowledge, onOpen, visitOf }) {
  if (!alerts.length) return h("p", { class: "muted" }, "No alerts waiting.");
  return h("ul", { class: "plain-list alerts" }, alerts.map((a) => {
    const [label, glyph] = KINDS[a.kind] || [a.kind.replaceAll("_", " "), "alert"];
    return h("li", { dataset: { alertId: a.id, kind: a.kind, visitId: a.visit_id } },
      h("span", { class: `alert-kind${["late", "missed"].includes(a.kind) ? " alert-late" : ""}` }, icon(glyph), ` ${label}`),
      h("span", { class: "muted" }, ` · raised ${formatTime(a.raised_at)}`),
      h("p", {}, h("strong", {}, a.client_name || "Client"),
        visitOf(a.visit_id) ? ` (${formatTime(visitOf(a.visit_id).planned_start)} visit)` : "", a.detail ? `: ${a.detail}` : "",
        a.expected_arrival ? ` Expected about ${formatTime(a.expected_arrival)}.` : ""),
      h("div", { class: "item-actions" },
        h("button", { class: "btn btn--small btn--primary", type: "button", onClick: () => onAcknowledge(a),
          "aria-label": `Acknowledge: ${label}, ${a.client_name || "client"}` }, "Acknowledge"),
        h("button", { class: "btn btn--small", type: "button", onClick: () => onOpen(a.visit_id),
          "aria-label": `Open visit: ${a.client_name || "client"}` }, "Open visit")));
  }));
}

export function acknowledge(alert) {
  return api.post(`/api/v1/alerts/${alert.id}/acknowledge`, {});
}
