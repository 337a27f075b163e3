// A provider admin's API clients: the provider's other systems allowed to feed Caremon (docs/FEED.md).
// A secret is shown once, when the client is created or rotated; Caremon keeps only its hash.
import * as api from "../api.js";
import { field, h, message, replace } from "../dom.js";
import { t } from "../i18n.js";

const SCOPES = [["feed:write", "integrations.scope_feed"], ["events:write", "integrations.scope_events"]];

export async function render(main) {
  const list = h("div", {});
  const notice = h("div", { "aria-live": "polite" });
  const reload = async () => replace(list, clientsTable(await api.get("/api/v1/api-clients"), act));
  const act = async (work) => {
    try {
      const shown = await work();
      replace(notice, shown ? secretCard(shown) : message("ok", t("integrations.done")));
      await reload();
    } catch (err) {
      replace(notice, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  };
  main.append(h("section", { class: "panel" },
    h("nav", { class: "toolbar", "aria-label": t("common.desk") }, h("h1", {}, t("integrations.api_clients")), h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/coordinator" }, t("common.back_to_roster"))),
    h("p", { class: "muted" }, t("integrations.api_clients_intro")),
    notice, createForm(act), list));
  await reload();
}

function createForm(act) {
  const name = h("input", { name: "name", required: true, maxlength: 100, autocomplete: "off" });
  const boxes = SCOPES.map(([scope]) => h("input", { type: "checkbox", value: scope, checked: true }));
  const form = h("form", { class: "card" },
    h("h2", {}, t("integrations.new_client")),
    field(t("integrations.system_name"), name),
    h("fieldset", {}, h("legend", {}, t("integrations.may_send")),
      SCOPES.map(([, label], i) => h("label", {}, boxes[i], ` ${t(label)}`))),
    h("button", { class: "btn btn--primary", type: "submit" }, t("integrations.create")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => api.post("/api/v1/api-clients", { name: name.value, scopes: boxes.filter((b) => b.checked).map((b) => b.value) }));
  });
  return form;
}

function secretCard(made) {
  return h("div", { class: "card" },
    message("warn", t("integrations.copy_secret")),
    h("p", {}, t("integrations.client_id_label"), " ", h("code", {}, made.client_id)),
    h("p", {}, t("integrations.client_secret_label"), " ", h("code", {}, made.client_secret)));
}

function clientsTable(clients, act) {
  if (!clients.length) return h("p", { class: "muted" }, t("integrations.no_clients"));
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, [t("integrations.name"), t("integrations.client_id"), t("integrations.may_send_col"), t("integrations.state"), ""].map((text) => h("th", {}, text)))),
    h("tbody", {}, clients.map((c) => h("tr", {},
      h("td", {}, c.name), h("td", {}, h("code", {}, c.client_id)), h("td", {}, c.scopes.join(", ")),
      h("td", {}, t(c.revoked_at ? "integrations.revoked" : "integrations.active")),
      h("td", {}, c.revoked_at ? "" : [
        h("button", { class: "btn", type: "button", onclick: () => act(() => api.post(`/api/v1/api-clients/${c.id}/rotate`)) },
          t("integrations.new_secret")),
        h("button", { class: "btn", type: "button", onclick: () => confirm(t("integrations.revoke_confirm", { name: c.name }))
          && act(() => api.request("DELETE", `/api/v1/api-clients/${c.id}`)) }, t("integrations.revoke")),
      ])))));
}
