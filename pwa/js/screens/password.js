// Changing one's own password; every other device signed in as this user is signed out.
import * as api from "../api.js";
import { HOME } from "../auth.js";
import { field, h, message } from "../dom.js";
import { t } from "../i18n.js";
import { passwordForm } from "../password-form.js";

export function render(main, { user }) {
  const current = h("input", { type: "password", name: "current-password", autocomplete: "current-password", required: true });
  const form = passwordForm({
    title: t("auth.change_title"),
    before: [field(t("auth.current_password"), current)],
    submitLabel: t("auth.change_submit"),
    missing: () => (current.value ? null : [current, t("auth.enter_current")]),
    send: (password) => api.post("/api/v1/auth/password", { current_password: current.value, new_password: password }),
    done: () => h("div", { class: "card" },
      message("ok", t("auth.changed")),
      h("a", { class: "btn btn--primary", href: `#${HOME[user.role]}` }, t("auth.back"))),
  });
  main.append(h("section", { class: "login" }, form));
  current.focus();
}
