// Building DOM without innerHTML: every value from the API becomes text, never markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "htmlFor") el.setAttribute("for", value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h("button", {class: "btn", onClick: fn}, "Save") */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A unique id for label/for and aria-describedby pairs. */
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form control: label + input/select/textarea (+ optional hint). */
export function field(label, control, hint) {
  const id = control.id || nextId();
  control.id = id;
  const parts = [h("label", { htmlFor: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("p", { class: "hint", id: hintId }, hint));
  }
  return h("div", { class: "field" }, parts);
}

export function options(items, selected) {
  return items.map(([value, label]) =>
    h("option", { value, selected: String(value) === String(selected ?? "") }, label));
}

/** A message box; kind: ok | warn | error. */
export function message(kind, text) {
  return h("p", { class: `message message--${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/**
 * Re-render without losing what the user is typing: values, ticks and focus of controls marked
 * data-keep="<stable key>" are carried over to the new controls with the same key. Synchronous, so
 * nothing typed between reading the old values and drawing the new controls can be lost.
 */
export function keepingInputs(root, rerender) {
  const saved = new Map();
  for (const el of root.querySelectorAll("[data-keep]")) {
    saved.set(el.dataset.keep, el.type === "radio" || el.type === "checkbox" ? el.checked : el.value);
  }
  const focused = document.activeElement?.dataset?.keep;
  rerender();
  for (const el of root.querySelectorAll("[data-keep]")) {
    if (!saved.has(el.dataset.keep)) continue;
    if (el.type === "radio" || el.type === "checkbox") el.checked = saved.get(el.dataset.keep);
    else el.value = saved.get(el.dataset.keep);
  }
  if (focused) root.querySelector(`[data-keep="${focused}"]`)?.focus();
}
