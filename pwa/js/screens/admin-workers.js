// The provider admin's care workers: add one and invite them by email, edit their details, switch them
// off (their phone stops working at once) or back on, and send the invitation again.
import * as api from "../api.js";
import { field, h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { actor, adminBar, dataTable, noticeArea, onSubmit } from "./admin-kit.js";

export async function render(main) {
  const notice = noticeArea();
  const list = h("div", {});
  const side = h("div", {});
  const reload = async () => {
    const workers = await api.get("/api/v1/workers");
    replace(list, workersTable(workers, { act, edit: (w) => replace(side, editForm(w, act, () => replace(side, addForm(act)))) }));
  };
  const act = actor(notice, reload);
  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" }, h("section", { class: "panel" },
      adminBar(t("admin.workers.title")), h("p", { class: "muted" }, t("admin.workers.intro")), notice, list)),
    h("aside", { class: "desk-side" }, side)));
  replace(side, addForm(act));
  await reload();
}

function workersTable(workers, { act, edit }) {
  if (!workers.length) return h("p", { class: "muted" }, t("admin.workers.none"));
  const cols = [t("admin.workers.name"), t("admin.workers.email"), t("admin.workers.phone"), t("admin.workers.staffRef"),
    t("admin.state"), ""];
  return dataTable(null, cols, workers.map((w) => [
    h("strong", {}, w.name), w.email || t("admin.workers.noLogin"), w.phone || "", w.staff_ref || "",
    w.active ? t("admin.active") : h("span", { class: "chip" }, t("admin.inactive")),
    h("div", { class: "row-actions" },
      h("button", { class: "btn btn--small", type: "button", "aria-label": t("admin.editNamed", { name: w.name }),
        onclick: () => edit(w) }, t("admin.edit")),
      w.active && w.user_id ? h("button", { class: "btn btn--small", type: "button",
        "aria-label": t("admin.workers.reinviteNamed", { name: w.name }),
        onclick: () => act(() => api.post(`/api/v1/users/${w.user_id}/invitation`), t("admin.workers.invited", { email: w.email })) },
      t("admin.workers.reinvite")) : null,
      h("button", { class: "btn btn--small", type: "button",
        "aria-label": t(w.active ? "admin.deactivateNamed" : "admin.reactivateNamed", { name: w.name }),
        onclick: () => (!w.active || confirm(t("admin.workers.confirmDeactivate", { name: w.name })))
          && act(() => api.patch(`/api/v1/workers/${w.id}`, { active: !w.active }),
            t(w.active ? "admin.workers.deactivated" : "admin.workers.reactivated", { name: w.name })) },
      t(w.active ? "admin.deactivate" : "admin.reactivate"))),
  ]));
}

function detailFields(w = {}) {
  const name = h("input", { name: "name", required: true, maxlength: 200, autocomplete: "off", value: w.name || "" });
  const phone = h("input", { name: "phone", type: "tel", maxlength: 32, autocomplete: "off", value: w.phone || "" });
  const ref = h("input", { name: "staff_ref", maxlength: 64, autocomplete: "off", value: w.staff_ref || "" });
  const read = () => ({ name: name.value.trim(), phone: phone.value.trim() || null, staff_ref: ref.value.trim() || null });
  return { read, fields: [field(t("admin.workers.name"), name), field(t("admin.workers.phone"), phone, t("admin.workers.phoneHint")),
    field(t("admin.workers.staffRef"), ref)] };
}

function addForm(act) {
  const details = detailFields();
  const email = h("input", { name: "email", type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const form = h("form", { class: "card", "aria-labelledby": "add-worker-title" },
    h("h2", { id: "add-worker-title" }, t("admin.workers.add")),
    details.fields.slice(0, 1), field(t("admin.workers.email"), email, t("admin.workers.emailHint")), details.fields.slice(1),
    h("button", { class: "btn btn--primary", type: "submit" }, t("admin.workers.addInvite")));
  return onSubmit(form, async () => {
    const ok = await act(() => api.post("/api/v1/workers", { ...details.read(), email: email.value.trim() }),
      t("admin.workers.invited", { email: email.value.trim() }));
    if (ok) form.reset();
  });
}

function editForm(worker, act, close) {
  const details = detailFields(worker);
  const form = h("form", { class: "card", "aria-labelledby": "edit-worker-title" },
    h("h2", { id: "edit-worker-title" }, t("admin.editNamed", { name: worker.name })),
    details.fields,
    h("div", { class: "item-actions" },
      h("button", { class: "btn btn--primary", type: "submit" }, t("common.save")),
      h("button", { class: "btn", type: "button", onclick: close }, t("common.cancel"))));
  return onSubmit(form, async () => {
    if (await act(() => api.patch(`/api/v1/workers/${worker.id}`, details.read()), t("admin.saved"))) close();
  });
}
