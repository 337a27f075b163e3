// Changing one's own password; every other device signed in as this user is signed out.
import * as api from "../api.js";
import { HOME } from "../auth.js";
import { field, h, message } from "../dom.js";
import { passwordForm } from "../password-form.js";

export function render(main, { user }) {
  const current = h("input", { type: "password", name: "current-password", autocomplete: "current-password", required: true });
  const form = passwordForm({
    title: "Change your password",
    before: [field("Current password", current)],
    submitLabel: "Change password",
    missing: () => (current.value ? null : [current, "Enter your current password."]),
    send: (password) => api.post("/api/v1/auth/password", { current_password: current.value, new_password: password }),
    done: () => h("div", { class: "card" },
      message("ok", "Password changed. Any other device signed in as you has been signed out."),
      h("a", { class: "btn btn--primary", href: `#${HOME[user.role]}` }, "Back to Caremon")),
  });
  main.append(h("section", { class: "login" }, form));
  current.focus();
}
