// Messages the outbox gave up on ("failed") or cannot vouch for ("uncertain", in flight when a sender
// stopped): the coordinator checks with the family or on-call contact, gives a reason and sends again.
import * as api from "./api.js";
import { field, h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { shortDay } from "./day-names.js";
import { formatTime } from "./time.js";

const STATUSES = ["failed", "uncertain"];
const CHANNELS = ["email", "sms", "push"];

export async function loadUndelivered() {
  return (await api.get("/api/v1/notify/undelivered", { status: "all", limit: 50 })).items;
}

export function renderUndelivered(rows, onRetry) {
  if (!rows.length) return h("p", { class: "muted" }, t("coord.undelivered.none"));
  return h("ul", { class: "plain-list undelivered" }, rows.map((n) => {
    const reason = h("input", { type: "text", maxLength: 200, required: true, dataset: { keep: `retry-${n.id}` } });
    const send = (event) => {
      event.preventDefault();
      if (reason.value.trim()) onRetry(n, reason.value.trim());
    };
    return h("li", { dataset: { notificationId: n.id, status: n.status } },
      h("span", { class: "alert-kind alert-late" }, icon("alert"),
        ` ${STATUSES.includes(n.status) ? t(`coord.undelivered.${n.status}`) : n.status}`),
      h("span", { class: "muted" }, ` · ${t("coord.undelivered.line", {
        channel: CHANNELS.includes(n.channel) ? t(`coord.undelivered.channel.${n.channel}`) : n.channel, to: n.recipient,
        when: `${shortDay(new Date(n.created_at))} ${formatTime(n.created_at)}`, n: n.attempts })}`),
      h("p", {}, h("strong", {}, n.client_name), `: ${n.subject}`, n.last_error ? h("span", { class: "muted" }, ` (${n.last_error})`) : ""),
      h("form", { class: "retry", onSubmit: send },
        field(t("coord.undelivered.why"), reason, n.status === "uncertain" ? t("coord.undelivered.onlyIf") : null),
        h("button", { class: "btn btn--small btn--primary", type: "submit",
          "aria-label": t("coord.undelivered.sendLabel", { subject: n.subject, to: n.recipient }) }, t("coord.undelivered.send"))));
  }));
}

export function retry(notification, reason) {
  return api.post(`/api/v1/notify/undelivered/${notification.id}/retry`, { reason });
}
