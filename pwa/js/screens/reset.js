// Choosing a new password from the link an administrator had emailed (#/reset?token=…); no login needed.
import * as api from "../api.js";
import { h, message } from "../dom.js";
import { t } from "../i18n.js";
import { passwordForm } from "../password-form.js";

export function render(main, { params }) {
  const [token] = params;
  const form = passwordForm({
    title: t("auth.reset_title"),
    submitLabel: t("auth.reset_submit"),
    send: (password) => api.post("/api/v1/auth/password-reset", { token, new_password: password }),
    done: () => h("div", { class: "card" },
      message("ok", t("auth.reset_done")),
      h("a", { class: "btn btn--primary", href: "#/login" }, t("auth.login"))),
  });
  main.append(h("section", { class: "login" }, form));
  form.querySelector("input").focus();
}
