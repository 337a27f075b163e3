// Parts every admin screen shares: the admin's toolbar, a notice area that runs an action and reports it,
// and table rows that stay readable as stacked cards on a phone.
import * as api from "../api.js";
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";

/** The screen's heading with the way back to the admin's home (and the roster). */
export function adminBar(title, ...extra) {
  return h("nav", { class: "toolbar", "aria-label": t("admin.nav.label") },
    h("h1", {}, title), h("span", { class: "spacer" }), ...extra,
    h("a", { class: "btn", href: "#/admin" }, t("admin.nav.home")));
}

/** The message an API error carries for the user: the first field's complaint, or the error itself. */
export function errorText(err) {
  if (!(err instanceof api.ApiError)) return String(err);
  if (err.status === 0) return t("admin.offline");
  return err.fieldMessage();
}

/**
 * act(work, done) runs work(), then after() (a redraw), then shows done in the notice (text, or a function
 * of work's result giving it); an error is shown there instead and nothing else changes. Resolves true when
 * the work succeeded.
 */
export function actor(notice, after = async () => {}) {
  return async (work, done) => {
    replace(notice);
    try {
      const result = await work();
      await after();
      const text = typeof done === "function" ? done(result) : done;
      if (text) replace(notice, message("ok", text));
      return true;
    } catch (err) {
      replace(notice, message("error", errorText(err)));
      return false;
    }
  };
}

export function noticeArea() {
  return h("div", { class: "admin-notice", "aria-live": "polite" });
}

/** A table of rows; each cell names its column (data-label) for the stacked phone layout. */
export function dataTable(caption, columns, rows) {
  return h("table", { class: "data" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) =>
      h("td", { "data-label": columns[i] }, cell))))));
}

/** A form's submit handler that stops the page reload and hands over the form. */
export function onSubmit(form, handler) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    handler(form);
  });
  return form;
}

/** Whole minutes as "7 h 30 min" in the reader's language. */
export function hoursMinutes(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!hours) return t("admin.minutes", { n: rest });
  return rest ? t("admin.hoursMinutes", { h: hours, m: rest }) : t("admin.hours", { h: hours });
}
