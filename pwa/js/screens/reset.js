// Choosing a new password from the link an administrator had emailed (#/reset?token=…); no login needed.
import * as api from "../api.js";
import { h, message } from "../dom.js";
import { passwordForm } from "../password-form.js";

export function render(main, { params }) {
  const [token] = params;
  const form = passwordForm({
    title: "Choose a new password",
    submitLabel: "Set password",
    send: (password) => api.post("/api/v1/auth/password-reset", { token, new_password: password }),
    done: () => h("div", { class: "card" },
      message("ok", "Your new password is set. Log in with it now."),
      h("a", { class: "btn btn--primary", href: "#/login" }, "Log in")),
  });
  main.append(h("section", { class: "login" }, form));
  form.querySelector("input").focus();
}
