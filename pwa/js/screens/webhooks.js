// Webhooks of a provider (or a council): where Caremon posts visit, alert and period events, signed (docs/FEED.md).
// The signing secret is shown once, when the webhook is made or its secret rotated.
import * as api from "../api.js";
import { field, h, message, replace } from "../dom.js";
import { ago } from "../time.js";

const EVENTS = [
  ["visit.late", "A visit is late"], ["visit.missed", "A visit is missed"],
  ["visit.completed", "A visit is completed"], ["alert.raised", "An alert is raised"],
  ["period.closed", "A payment period is closed"],
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
    h("nav", { class: "toolbar", "aria-label": "Desk" }, h("h1", {}, "Webhooks"), h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/api-clients" }, "API clients"),
      h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")),
    h("p", { class: "muted" }, "Caremon posts each event to your system's https address as it happens, signed "
      + "with the webhook's secret, and retries until your system answers."),
    notice, createForm(act), list, deliveries));
  await reload();
}

function createForm(act) {
  const url = h("input", { name: "url", type: "url", required: true, maxlength: 2000, autocomplete: "off",
    placeholder: "https://" });
  const boxes = EVENTS.map(([type]) => h("input", { type: "checkbox", value: type, checked: true }));
  const form = h("form", { class: "card" },
    h("h2", {}, "New webhook"),
    field("Address (https)", url),
    h("fieldset", {}, h("legend", {}, "Send when"), EVENTS.map(([, label], i) => h("label", {}, boxes[i], ` ${label}`))),
    h("button", { class: "btn btn--primary", type: "submit" }, "Add webhook"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => api.post("/api/v1/webhooks", { url: url.value, events: boxes.filter((b) => b.checked).map((b) => b.value) }));
  });
  return form;
}

function answerCard(answer) {
  if (answer?.secret) {
    return h("div", { class: "card" },
      message("warn", "Copy the signing secret now: it will not be shown again."),
      h("p", {}, "Signing secret: ", h("code", {}, answer.secret)));
  }
  if (answer?.event_type) return message(answer.status === "delivered" ? "ok" : "error", `Test ${deliveryState(answer)}.`);
  return message("ok", "Done.");
}

function deliveryState(d) {
  if (!d) return "Nothing sent yet";
  const code = d.last_status_code ? ` (HTTP ${d.last_status_code})` : "";
  if (d.status === "delivered") return `delivered ${ago(d.delivered_at)}${code}`;
  return `${d.status}${code}${d.last_error && !code ? `: ${d.last_error}` : ""}`;
}

function hooksTable(hooks, act, show) {
  if (!hooks.length) return h("p", { class: "muted" }, "No webhooks yet.");
  const path = (hook, rest = "") => `/api/v1/webhooks/${hook.id}${rest}`;
  const button = (label, onclick) => h("button", { class: "btn", type: "button", onclick }, label);
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ["Address", "Events", "State", "Last delivery", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, hooks.map((hook) => h("tr", {},
      cell("Address", h("code", {}, hook.url)), cell("Events", hook.events.join(", ")),
      cell("State", hook.active ? "Active" : "Paused"), cell("Last delivery", deliveryState(hook.last_delivery)),
      cell("", h("div", { class: "row-actions" },
        button("Send test", () => act(() => api.post(path(hook, "/test")))),
        button("Deliveries", () => show(hook)),
        button("New secret", () => act(() => api.post(path(hook, "/rotate-secret")))),
        button(hook.active ? "Pause" : "Resume", () => act(() => api.patch(path(hook), { active: !hook.active }))),
        button("Delete", () => confirm(`Delete the webhook to ${hook.url}?`)
          && act(() => api.request("DELETE", path(hook))))))))));
}

// A cell led by its column's name on narrow screens (desk.css turns each row into a card there).
function cell(label, ...children) {
  return h("td", { "data-label": label }, ...children);
}

function deliveriesTable(hook, items) {
  return h("section", { class: "card", "aria-labelledby": "deliveries-title" },
    h("h2", { id: "deliveries-title" }, `Deliveries to ${hook.url}`),
    items.length ? h("table", { class: "data" },
      h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last answer", "Next attempt"].map((t) => h("th", {}, t)))),
      h("tbody", {}, items.slice().reverse().map((d) => h("tr", {},
        cell("Event", d.event_type), cell("Status", d.status), cell("Attempts", String(d.attempts)),
        cell("Last answer", d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error || "")),
        cell("Next attempt", d.status === "pending" ? new Date(d.next_attempt_at).toLocaleTimeString() : "")))))
      : h("p", { class: "muted" }, "Nothing sent yet."));
}
