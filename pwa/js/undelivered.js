// Messages the outbox gave up on ("failed") or cannot vouch for ("uncertain", in flight when a sender
// stopped): the coordinator checks with the family or on-call contact, gives a reason and sends again.
import * as api from "./api.js";
import { field, h } from "./dom.js";
import { icon } from "./icons.js";
import { formatShortDay, formatTime, localDate } from "./time.js";

const STATUSES = { failed: "Not delivered", uncertain: "May not have arrived" };
const CHANNELS = { email: "email", sms: "text message", push: "app notification" };

export async function loadUndelivered() {
  return (await api.get("/api/v1/notify/undelivered", { status: "all", limit: 50 })).items;
}

export function renderUndelivered(rows, onRetry) {
  if (!rows.length) return h("p", { class: "muted" }, "Every message got through.");
  return h("ul", { class: "plain-list undelivered" }, rows.map((n) => {
    const reason = h("input", { type: "text", maxLength: 200, required: true, dataset: { keep: `retry-${n.id}` } });
    const send = (event) => {
      event.preventDefault();
      if (reason.value.trim()) onRetry(n, reason.value.trim());
    };
    return h("li", { dataset: { notificationId: n.id, status: n.status } },
      h("span", { class: "alert-kind alert-late" }, icon("alert"), ` ${STATUSES[n.status] || n.status}`),
      h("span", { class: "muted" }, ` · ${CHANNELS[n.channel] || n.channel} to ${n.recipient}, `
        + `${formatShortDay(localDate(new Date(n.created_at)))} ${formatTime(n.created_at)}, ${n.attempts} tries`),
      h("p", {}, h("strong", {}, n.client_name), `: ${n.subject}`, n.last_error ? h("span", { class: "muted" }, ` (${n.last_error})`) : ""),
      h("form", { class: "retry", onSubmit: send },
        field("Why send it again", reason, n.status === "uncertain" ? "Only once you know it did not arrive." : null),
        h("button", { class: "btn btn--small btn--primary", type: "submit",
          "aria-label": `Send again: ${n.subject}, to ${n.recipient}` }, "Send again")));
  }));
}

export function retry(notification, reason) {
  return api.post(`/api/v1/notify/undelivered/${notification.id}/retry`, { reason });
}
