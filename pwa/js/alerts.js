// The coordinator's alerts (late, missed, predicted delay, no check-out): newest first, acknowledged with one tap.
import * as api from "./api.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";
import { formatTime } from "./time.js";

const KINDS = {
  late: ["Late", "alert"],
  missed: ["Missed", "cross"],
  predicted_delay: ["Likely to be late", "clock"],
  no_checkout: ["No check-out", "alert"],
};

export async function loadAlerts() {
  const body = await api.get("/api/v1/alerts");
  return Array.isArray(body) ? body : body.items || [];
}

export function alertText(alert) {
  return alert.message || alert.title || alert.detail || (KINDS[alert.kind] || [alert.kind])[0];
}

export function renderAlerts(alerts, { onAcknowledge, onOpen }) {
  const open = alerts.filter((a) => !a.acknowledged_at);
  if (!open.length) return h("p", { class: "muted" }, "No alerts waiting.");
  return h("ul", { class: "plain-list alerts" }, open.map((a) => {
    const [label, glyph] = KINDS[a.kind] || [a.kind, "alert"];
    return h("li", { dataset: { alertId: a.id } },
      h("span", { class: `alert-kind${["late", "missed"].includes(a.kind) ? " alert-late" : ""}` }, icon(glyph), ` ${label}`),
      h("span", { class: "muted" }, ` · ${formatTime(a.raised_at || a.created_at)}`),
      h("p", {}, alertText(a)),
      h("div", { class: "item-actions" },
        h("button", { class: "btn btn--small btn--primary", type: "button", onClick: () => onAcknowledge(a) }, "Acknowledge"),
        a.visit_id ? h("button", { class: "btn btn--small", type: "button", onClick: () => onOpen(a.visit_id) }, "Open visit") : null));
  }));
}

export function acknowledge(alert) {
  return api.post(`/api/v1/alerts/${alert.id}/acknowledge`, {});
}
