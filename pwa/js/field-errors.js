// Validation messages beside the field they are about: linked by aria-describedby, marked aria-invalid, and the
// first one scrolled into view and focused, so a phone user sees what to fix without hunting for it.
import { h } from "./dom.js";

function clearOne(control) {
  const box = control.closest(".field") || control.parentElement;
  box.querySelector(":scope > .field-error")?.remove();
  control.removeAttribute("aria-invalid");
  const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("-error"));
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** Remove every message shown by showErrors inside root. */
export function clearErrors(root) {
  for (const control of root.querySelectorAll("[aria-invalid]")) clearOne(control);
  for (const stray of root.querySelectorAll(".field-error")) stray.remove();
}

/** problems: [[control, text], ...] in the order of the form; the first is scrolled to and focused. */
export function showErrors(root, problems) {
  clearErrors(root);
  for (const [control, text] of problems) {
    if (!control.id) control.id = `field-${Math.random().toString(36).slice(2, 9)}`;
    const id = `${control.id}-error`;
    const note = h("p", { class: "field-error", id }, text);
    (control.closest(".field") || control.parentElement).append(note);
    control.setAttribute("aria-invalid", "true");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    control.setAttribute("aria-describedby", [...ids, id].join(" "));
  }
  const [first] = problems[0] || [];
  if (first) {
    first.scrollIntoView({ block: "center", behavior: "smooth" });
    first.focus({ preventScroll: true });
  }
  return problems.length > 0;
}

/**
 * A 422 from the server shown beside the fields it names: controls maps the API's field names to controls.
 * Returns the messages no control took (shown by the caller in its status line).
 */
export function showServerErrors(root, err, controls) {
  const fields = err.details?.fields || {};
  const problems = [];
  const rest = [];
  for (const [name, messages] of Object.entries(fields)) {
    const text = [].concat(messages).flat().join(" ");
    if (controls[name]) problems.push([controls[name], text]);
    else rest.push(text);
  }
  showErrors(root, problems);
  return rest.length || !problems.length ? (rest.join(" ") || err.message) : null;
}
