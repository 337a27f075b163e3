// Sign in once; the refresh cookie keeps a care worker signed in on their phone for a fortnight.
import { login } from "../auth.js";
import { field, h, message, replace } from "../dom.js";
import { t } from "../i18n.js";

export function render(main, { notice, signedIn }) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, inputmode: "email" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const status = h("div", { "aria-live": "polite" }, notice ? message("warn", notice) : null);
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, t("auth.login"));
  const form = h("form", { class: "card", novalidate: true },
    h("h1", {}, t("auth.login_title")),
    field(t("auth.email"), email),
    field(t("auth.password"), password),
    submit, status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!email.value || !password.value) {
      replace(status, message("error", t("auth.enter_both")));
      (email.value ? password : email).focus();
      return;
    }
    submit.disabled = true;
    replace(status, h("p", { class: "muted" }, t("auth.logging_in")));
    try {
      signedIn(await login(email.value.trim(), password.value));
    } catch (err) {
      const text = err.status === 0 ? t("auth.login_offline") :
        err.status === 401 ? t("auth.login_wrong") :
          err.status === 429 ? t("auth.login_throttled", { minutes: Math.ceil(err.details.retry_after / 60) }) :
            err.fieldMessage();
      replace(status, message("error", text));
      submit.disabled = false;
    }
  });
  main.append(h("section", { class: "login" }, form));
  email.focus();
}
