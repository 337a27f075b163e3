// The family's PIN for confirming visits on the carer's phone, set per relative.
import * as api from "./api.js";
import { field, h, message, replace } from "./dom.js";
import { t } from "./i18n.js";

export async function pinPanel() {
  const panel = h("section", { class: "panel", "aria-labelledby": "pin-title" });
  const clients = await api.get("/api/v1/clients").catch(() => []);
  replace(panel, h("h2", { id: "pin-title" }, t("confirm.title")),
    h("p", { class: "muted" }, t("confirm.intro")),
    clients.map(pinForm));
  return panel;
}

function pinForm(client) {
  const pin = h("input", { type: "password", inputmode: "numeric", autocomplete: "new-password", maxlength: 8, minlength: 4 });
  const note = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "pin-form" },
    field(t("confirm.pin_for", { name: client.name }), pin, t("confirm.pin_hint")),
    h("button", { class: "btn", type: "submit" }, t("confirm.set_pin")), note);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.put(`/api/v1/clients/${client.id}/confirmation-pin`, { pin: pin.value });
      pin.value = "";
      replace(note, message("ok", t("confirm.pin_set")));
    } catch (err) {
      replace(note, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  });
  return form;
}
