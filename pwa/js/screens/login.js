// Sign in once; the refresh cookie keeps a care worker signed in on their phone for a fortnight.
import { login } from "../auth.js";
import { field, h, message, replace } from "../dom.js";

export function render(main, { notice, signedIn }) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, inputmode: "email" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const status = h("div", { "aria-live": "polite" }, notice ? message("warn", notice) : null);
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, "Log in");
  const form = h("form", { class: "card", novalidate: true },
    h("h1", {}, "Log in to Caremon"),
    field("Email", email),
    field("Password", password),
    submit, status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!email.value || !password.value) {
      replace(status, message("error", "Enter your email and password."));
      (email.value ? password : email).focus();
      return;
    }
    submit.disabled = true;
    replace(status, h("p", { class: "muted" }, "Logging in…"));
    try {
      signedIn(await login(email.value.trim(), password.value));
    } catch (err) {
      const text = err.status === 0 ? "No connection. Logging in needs the internet, once." :
        err.status === 401 ? "That email and password do not match." :
          err.status === 429 ? `Too many failed attempts. Try again in ${Math.ceil(err.details.retry_after / 60)} minute(s).` :
            err.fieldMessage();
      replace(status, message("error", text));
      submit.disabled = false;
    }
  });
  main.append(h("section", { class: "login" }, form));
  email.focus();
}
