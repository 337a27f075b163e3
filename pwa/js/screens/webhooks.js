// Webhooks of a provider (or a council): where Caremon posts visit, alert and period events, signed (docs/FEED.md).
// The signing secret is shown once, when the webhook is made or its secret rotated.
import * as api from "../api.js";
import { field, h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { ago, formatTime } from "../time.js";

const EVENTS = [
  ["visit.late", "integrations.ev_late"], ["visit.missed", "integrations.ev_missed"],
  ["visit.completed", "integrations.ev_completed"], ["alert.raised", "integrations.ev_alert"],
  ["period.closed", "integrations.ev_period"],
];

export async function render(main) {
  const list = h("div", {});
  const notice = h("div", { "aria-live": "polite" });
  const deliveries = h("div", {});
  const reload = async () => replace(list, hooksTable(await api.get("/api/v1/webhooks"), act, show));
  const act = async (work) => {
    try {
      const answer = await work();
      replace(notice, answerCard(answer));
      await reload();
    } catch (err) {
      replace(notice, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  };
  const show = async (hook) => replace(deliveries, deliveriesTable(hook,
    (await api.get(`/api/v1/webhooks/${hook.id}/deliveries`, { limit: 500 })).items));
  main.append(h("section", { class: "panel" },
    h("nav", { class: "toolbar", "aria-label": t("common.desk") }, h("h1", {}, t("integrations.webhooks")), h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/api-clients" }, t("integrations.api_clients")),
      h("a", { class: "btn", href: "#/coordinator" }, t("common.back_to_roster"))),
    h("p", { class: "muted" }, t("integrations.webhooks_intro")),
    notice, createForm(act), list, deliveries));
  await reload();
}

function createForm(act) {
  const url = h("input", { name: "url", type: "url", required: true, maxlength: 2000, autocomplete: "off",
    placeholder: "https://" });
  const boxes = EVENTS.map(([type]) => h("input", { type: "checkbox", value: type, checked: true }));
  const form = h("form", { class: "card" },
    h("h2", {}, t("integrations.new_webhook")),
    field(t("integrations.address_https"), url),
    h("fieldset", {}, h("legend", {}, t("integrations.send_when")), EVENTS.map(([, label], i) => h("label", {}, boxes[i], ` ${t(label)}`))),
    h("button", { class: "btn btn--primary", type: "submit" }, t("integrations.add_webhook")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => api.post("/api/v1/webhooks", { url: url.value, events: boxes.filter((b) => b.checked).map((b) => b.value) }));
  });
  return form;
}

function answerCard(answer) {
  if (answer?.secret) {
    return h("div", { class: "card" },
      message("warn", t("integrations.copy_signing")),
      h("p", {}, t("integrations.signing_secret"), " ", h("code", {}, answer.secret)));
  }
  if (answer?.event_type) return message(answer.status === "delivered" ? "ok" : "error", t("integrations.test_result", { state: deliveryState(answer) }));
  return message("ok", t("integrations.done"));
}

function deliveryState(d) {
  if (!d) return t("integrations.nothing_sent");
  const code = d.last_status_code ? ` (HTTP ${d.last_status_code})` : "";
  if (d.status === "delivered") return `${t("integrations.delivered_ago", { when: ago(d.delivered_at) })}${code}`;
  return `${d.status}${code}${d.last_error && !code ? `: ${d.last_error}` : ""}`;
}

function hooksTable(hooks, act, show) {
  if (!hooks.length) return h("p", { class: "muted" }, t("integrations.no_webhooks"));
  const path = (hook, rest = "") => `/api/v1/webhooks/${hook.id}${rest}`;
  const button = (label, onclick) => h("button", { class: "btn", type: "button", onclick }, label);
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, [t("integrations.address"), t("integrations.events"), t("integrations.state"), t("integrations.last_delivery"), ""].map((text) => h("th", {}, text)))),
    h("tbody", {}, hooks.map((hook) => h("tr", {},
      cell(t("integrations.address"), h("code", {}, hook.url)), cell(t("integrations.events"), hook.events.join(", ")),
      cell(t("integrations.state"), t(hook.active ? "integrations.active" : "integrations.paused")),
      cell(t("integrations.last_delivery"), deliveryState(hook.last_delivery)),
      cell("", h("div", { class: "row-actions" },
        button(t("integrations.send_test"), () => act(() => api.post(path(hook, "/test")))),
        button(t("integrations.deliveries"), () => show(hook)),
        button(t("integrations.new_secret"), () => act(() => api.post(path(hook, "/rotate-secret")))),
        button(t(hook.active ? "integrations.pause" : "integrations.resume"), () => act(() => api.patch(path(hook), { active: !hook.active }))),
        button(t("integrations.delete"), () => confirm(t("integrations.delete_confirm", { url: hook.url }))
          && act(() => api.request("DELETE", path(hook))))))))));
}

// A cell led by its column's name on narrow screens (desk.css turns each row into a card there).
function cell(label, ...children) {
  return h("td", { "data-label": label }, ...children);
}

function deliveriesTable(hook, items) {
  return h("section", { class: "card", "aria-labelledby": "deliveries-title" },
    h("h2", { id: "deliveries-title" }, t("integrations.deliveries_to", { url: hook.url })),
    items.length ? h("table", { class: "data" },
      h("thead", {}, h("tr", {}, ["integrations.event", "integrations.status", "integrations.attempts", "integrations.last_answer", "integrations.next_attempt"].map((key) => h("th", {}, t(key))))),
      h("tbody", {}, items.slice().reverse().map((d) => h("tr", {},
        cell(t("integrations.event"), d.event_type), cell(t("integrations.status"), d.status),
        cell(t("integrations.attempts"), String(d.attempts)),
        cell(t("integrations.last_answer"), d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error || "")),
        cell(t("integrations.next_attempt"), d.status === "pending" ? formatTime(d.next_attempt_at) : "")))))
      : h("p", { class: "muted" }, t("integrations.nothing_sent_dot")));
}
