// A provider admin's API clients: the provider's other systems allowed to feed Caremon (docs/FEED.md).
// A secret is shown once, when the client is created or rotated; Caremon keeps only its hash.
import * as api from "../api.js";
import { field, h, message, replace } from "../dom.js";

const SCOPES = [["feed:write", "Clients, workers and planned visits"], ["events:write", "Visit events from a carer app"]];

export async function render(main) {
  const list = h("div", {});
  const notice = h("div", { "aria-live": "polite" });
  const reload = async () => replace(list, clientsTable(await api.get("/api/v1/api-clients"), act));
  const act = async (work) => {
    try {
      const shown = await work();
      replace(notice, shown ? secretCard(shown) : message("ok", "Done."));
      await reload();
    } catch (err) {
      replace(notice, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  };
  main.append(h("section", { class: "panel" },
    h("nav", { class: "toolbar", "aria-label": "Desk" }, h("h1", {}, "API clients"), h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")),
    h("p", { class: "muted" }, "Your rostering system or carer app signs in with one of these to send Caremon "
      + "your clients, carers, planned visits and visit events."),
    notice, createForm(act), list));
  await reload();
}

function createForm(act) {
  const name = h("input", { name: "name", required: true, maxlength: 100, autocomplete: "off" });
  const boxes = SCOPES.map(([scope]) => h("input", { type: "checkbox", value: scope, checked: true }));
  const form = h("form", { class: "card" },
    h("h2", {}, "New API client"),
    field("Name of the system", name),
    h("fieldset", {}, h("legend", {}, "It may send"),
      SCOPES.map(([, label], i) => h("label", {}, boxes[i], ` ${label}`))),
    h("button", { class: "btn btn--primary", type: "submit" }, "Create"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => api.post("/api/v1/api-clients", { name: name.value, scopes: boxes.filter((b) => b.checked).map((b) => b.value) }));
  });
  return form;
}

function secretCard(made) {
  return h("div", { class: "card" },
    message("warn", "Copy the secret now: it will not be shown again."),
    h("p", {}, "Client id: ", h("code", {}, made.client_id)),
    h("p", {}, "Client secret: ", h("code", {}, made.client_secret)));
}

function clientsTable(clients, act) {
  if (!clients.length) return h("p", { class: "muted" }, "No API clients yet.");
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ["Name", "Client id", "May send", "State", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, clients.map((c) => h("tr", {},
      h("td", {}, c.name), h("td", {}, h("code", {}, c.client_id)), h("td", {}, c.scopes.join(", ")),
      h("td", {}, c.revoked_at ? "Revoked" : "Active"),
      h("td", {}, c.revoked_at ? "" : [
        h("button", { class: "btn", type: "button", onclick: () => act(() => api.post(`/api/v1/api-clients/${c.id}/rotate`)) },
          "New secret"),
        h("button", { class: "btn", type: "button", onclick: () => confirm(`Revoke ${c.name}? It stops at once.`)
          && act(() => api.request("DELETE", `/api/v1/api-clients/${c.id}`)) }, "Revoke"),
      ])))));
}
