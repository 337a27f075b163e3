// The family's PIN for confirming visits on the carer's phone, set per relative.
import * as api from "./api.js";
import { field, h, message, replace } from "./dom.js";

export async function pinPanel() {
  const panel = h("section", { class: "panel", "aria-labelledby": "pin-title" });
  const clients = await api.get("/api/v1/clients").catch(() => []);
  replace(panel, h("h2", { id: "pin-title" }, "Confirming visits"),
    h("p", { class: "muted" }, "Where the carer asks, you or your relative can confirm a visit on the carer's phone with this PIN."),
    clients.map(pinForm));
  return panel;
}

function pinForm(client) {
  const pin = h("input", { type: "password", inputmode: "numeric", autocomplete: "new-password", maxlength: 8, minlength: 4 });
  const note = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "pin-form" },
    field(`PIN for ${client.name}`, pin, "4 to 8 digits; setting it again replaces the old one"),
    h("button", { class: "btn", type: "submit" }, "Set PIN"), note);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.put(`/api/v1/clients/${client.id}/confirmation-pin`, { pin: pin.value });
      pin.value = "";
      replace(note, message("ok", "PIN set."));
    } catch (err) {
      replace(note, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  });
  return form;
}
