// The provider's office logins: invite a coordinator or another provider admin, move them between the two
// roles, and switch a login off or on. Their sessions end at once when either changes.
import * as api from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { actor, adminBar, dataTable, noticeArea, onSubmit } from "./admin-kit.js";

const STAFF_ROLES = ["coordinator", "provider_admin"];

export async function render(main, { user }) {
  const notice = noticeArea();
  const list = h("div", {});
  const reload = async () => {
    const users = await api.get("/api/v1/users");
    replace(list, staffTable(users.filter((u) => STAFF_ROLES.includes(u.role)), user, act));
  };
  const act = actor(notice, reload);
  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" }, h("section", { class: "panel" },
      adminBar(t("admin.users.title")), h("p", { class: "muted" }, t("admin.users.intro")), notice, list)),
    h("aside", { class: "desk-side" }, inviteForm(act))));
  await reload();
}

const roleName = (role) => t(`admin.role.${role}`);

function staffTable(users, me, act) {
  const cols = [t("admin.workers.name"), t("admin.workers.email"), t("admin.users.role"), t("admin.state"), ""];
  return dataTable(null, cols, users.map((u) => {
    if (u.id === me.id) {
      return [h("strong", {}, u.name), u.email, roleName(u.role), t("admin.active"), h("span", { class: "muted" }, t("admin.users.you"))];
    }
    const select = h("select", { "aria-label": t("admin.users.roleOf", { name: u.name }) },
      options(STAFF_ROLES.map((r) => [r, roleName(r)]), u.role));
    select.addEventListener("change", () => act(() => api.patch(`/api/v1/users/${u.id}`, { role: select.value }),
      t("admin.users.roleChanged", { name: u.name, role: roleName(select.value) })));
    return [h("strong", {}, u.name), u.email, select,
      u.active ? t("admin.active") : h("span", { class: "chip" }, t("admin.inactive")),
      h("div", { class: "row-actions" },
        u.active ? h("button", { class: "btn btn--small", type: "button", "aria-label": t("admin.workers.reinviteNamed", { name: u.name }),
          onclick: () => act(() => api.post(`/api/v1/users/${u.id}/invitation`), t("admin.workers.invited", { email: u.email })) },
        t("admin.workers.reinvite")) : null,
        h("button", { class: "btn btn--small", type: "button",
          "aria-label": t(u.active ? "admin.deactivateNamed" : "admin.reactivateNamed", { name: u.name }),
          onclick: () => (!u.active || confirm(t("admin.users.confirmDeactivate", { name: u.name })))
            && act(() => api.patch(`/api/v1/users/${u.id}`, { active: !u.active }), t("admin.saved")) },
        t(u.active ? "admin.deactivate" : "admin.reactivate")))];
  }));
}

function inviteForm(act) {
  const name = h("input", { name: "name", required: true, maxlength: 200, autocomplete: "off" });
  const email = h("input", { name: "email", type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const role = h("select", { name: "role" }, options(STAFF_ROLES.map((r) => [r, roleName(r)]), "coordinator"));
  const form = h("form", { class: "card", "aria-labelledby": "invite-staff-title" },
    h("h2", { id: "invite-staff-title" }, t("admin.users.invite")),
    field(t("admin.workers.name"), name), field(t("admin.workers.email"), email, t("admin.workers.emailHint")),
    field(t("admin.users.role"), role, t("admin.users.roleHint")),
    h("button", { class: "btn btn--primary", type: "submit" }, t("admin.users.sendInvite")));
  return onSubmit(form, async () => {
    const ok = await act(() => api.post("/api/v1/users", { name: name.value.trim(), email: email.value.trim(), role: role.value }),
      t("admin.workers.invited", { email: email.value.trim() }));
    if (ok) form.reset();
  });
}
