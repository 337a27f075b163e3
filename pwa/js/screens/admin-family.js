// A client's family links, for the provider admin: who may follow this client's visits, linking a relative
// (a new login is invited by email; one who already has a family login is linked with it) and removing one.
import * as api from "../api.js";
import { field, h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { actor, dataTable, noticeArea, onSubmit } from "./admin-kit.js";

export async function familySection(client) {
  const notice = noticeArea();
  const list = h("div", {});
  const base = `/api/v1/clients/${client.id}/family`;
  const reload = async () => {
    const links = await api.get(base);
    replace(list, links.length ? dataTable(null, [t("admin.workers.name"), t("admin.workers.email"), t("admin.family.relationship"), ""],
      links.map((l) => [l.name, l.email || "", l.relationship_label || "",
        h("button", { class: "btn btn--small", type: "button", "aria-label": t("admin.family.removeNamed", { name: l.name }),
          onclick: () => confirm(t("admin.family.confirmRemove", { name: l.name, client: client.name }))
            && act(() => api.request("DELETE", `${base}/${l.id}`), t("admin.family.removed", { name: l.name })) },
        t("admin.family.remove"))]))
      : h("p", { class: "muted" }, t("admin.family.none")));
  };
  const act = actor(notice, reload);
  await reload();
  return h("section", { class: "panel", "aria-labelledby": "family-title" },
    h("h2", { id: "family-title" }, t("admin.family.title")),
    h("p", { class: "muted" }, t("admin.family.intro")), notice, list, linkForm(base, act));
}

function linkForm(base, act) {
  const name = h("input", { name: "name", required: true, maxlength: 200, autocomplete: "off" });
  const email = h("input", { name: "email", type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const label = h("input", { name: "relationship_label", maxlength: 64, autocomplete: "off", placeholder: t("admin.family.relationshipExample") });
  const phone = h("input", { name: "phone", type: "tel", maxlength: 32, autocomplete: "off" });
  const form = h("form", { class: "card", "aria-labelledby": "family-add-title" },
    h("h3", { id: "family-add-title" }, t("admin.family.add")),
    field(t("admin.workers.name"), name), field(t("admin.workers.email"), email, t("admin.family.emailHint")),
    h("div", { class: "field-row" }, field(t("admin.family.relationship"), label), field(t("admin.workers.phone"), phone)),
    h("button", { class: "btn btn--primary", type: "submit" }, t("admin.family.link")));
  return onSubmit(form, async () => {
    const body = { name: name.value.trim(), email: email.value.trim(), relationship_label: label.value.trim() || null,
      phone: phone.value.trim() || null };
    if (await act(() => api.post(base, body), t("admin.family.linked", { name: body.name }))) form.reset();
  });
}
