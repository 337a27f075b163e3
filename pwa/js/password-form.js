// The form for choosing a new password, shared by changing one's own and redeeming an emailed reset link.
import { field, h, message, replace } from "./dom.js";
import { t } from "./i18n.js";

function minutes(seconds) {
  return Math.ceil((seconds || 60) / 60);
}

/** What went wrong, in the words of the field the server named when it named one. */
function explain(err) {
  if (err.status === 0) return t("auth.password_offline");
  if (err.status === 429) return t("auth.password_throttled", { minutes: minutes(err.details.retry_after) });
  const fields = err.details?.fields || {};
  const said = fields.new_password || fields.current_password;
  return said ? [].concat(said).join(" ") : err.message;
}

/**
 * A card: the given leading fields, the new password typed twice, a button and a status line.
 * missing() names a leading field left empty ([input, text]); send(password) saves; done() is shown after.
 */
export function passwordForm({ title, before = [], submitLabel, missing = () => null, send, done }) {
  const fresh = h("input", { type: "password", name: "new-password", autocomplete: "new-password", required: true });
  const again = h("input", { type: "password", name: "new-password-again", autocomplete: "new-password", required: true });
  const status = h("div", { "aria-live": "polite" });
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, submitLabel);
  const form = h("form", { class: "card", novalidate: true }, h("h1", {}, title), before,
    field(t("auth.new_password"), fresh, t("auth.password_hint")), field(t("auth.new_password_again"), again), submit, status);
  const refuse = (input, text) => {
    replace(status, message("error", text));
    input.focus();
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const empty = missing();
    if (empty) return refuse(...empty);
    if (!fresh.value) return refuse(fresh, t("auth.enter_new"));
    if (fresh.value !== again.value) return refuse(again, t("auth.not_same"));
    submit.disabled = true;
    replace(status, h("p", { class: "muted" }, t("auth.saving")));
    try {
      await send(fresh.value);
      const shown = done();
      form.replaceWith(shown);
      shown.querySelector("a, button")?.focus();
    } catch (err) {
      refuse(err.details?.fields?.current_password ? form.querySelector("input") : fresh, explain(err));
      submit.disabled = false;
    }
  });
  return form;
}
