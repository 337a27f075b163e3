// Non-contact work for a client (liaison, care planning, reviews, gaining access): saved on the phone, then uploaded.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { cached, keep } from "../idb.js";
import { t } from "../i18n.js";
import { CATEGORIES } from "../labels.js";
import * as outbox from "../outbox.js";
import { formatTime, toInputValue } from "../time.js";

async function clientsFor(user) {
  try {
    const clients = await api.get("/api/v1/clients");
    await keep(`clients:${user.id}`, clients);
    return clients;
  } catch (err) {
    if (err.status !== 0) throw err;
    const saved = (await cached(`clients:${user.id}`))?.data;
    if (saved) return saved;
    // Offline with no saved list: the clients on today's saved run.
    const run = (await cached(`run:${user.id}`))?.data;
    const byId = new Map((run?.visits || []).map((v) => [v.client.id, v.client]));
    return [...byId.values()];
  }
}

export async function render(main, { user }) {
  const root = h("section", { class: "worker", "aria-labelledby": "activity-title" });
  main.append(root);
  const clients = await clientsFor(user).catch(() => []);
  const client = h("select", { required: true }, h("option", { value: "" }, t("activity.choose_client")),
    options(clients.map((c) => [c.id, `${c.name} – ${c.address}`])));
  const category = h("select", { required: true }, h("option", { value: "" }, t("activity.choose_what")), options(CATEGORIES));
  const minutes = h("input", { type: "number", min: 1, max: 1440, step: 1, inputmode: "numeric", required: true });
  const when = h("input", { type: "datetime-local", value: toInputValue(), required: true });
  const note = h("textarea", { rows: 3, maxlength: 4000 });
  const status = h("div", { "aria-live": "polite" });
  const recent = h("div");
  const form = h("form", { class: "step", novalidate: true },
    field(t("activity.client"), client),
    field(t("activity.type"), category),
    field(t("activity.minutes"), minutes),
    field(t("activity.when"), when),
    field(t("activity.note"), note),
    h("button", { class: "btn btn--primary btn--block", type: "submit" }, t("common.save")),
    status);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problems = [];
    if (!client.value) problems.push([client, t("activity.need_client")]);
    if (!category.value) problems.push([category, t("activity.need_type")]);
    const mins = Number(minutes.value);
    if (!Number.isInteger(mins) || mins < 1 || mins > 1440) problems.push([minutes, t("activity.need_minutes")]);
    const at = new Date(when.value);
    if (!when.value || Number.isNaN(at.getTime())) problems.push([when, t("activity.need_when")]);
    for (const el of [client, category, minutes, when]) el.removeAttribute("aria-invalid");
    if (problems.length) {
      for (const [el] of problems) el.setAttribute("aria-invalid", "true");
      replace(status, message("error", problems.map(([, text]) => text).join(" ")));
      problems[0][0].focus();
      return;
    }
    await outbox.recordActivity({
      client_id: Number(client.value), category: category.value, minutes: mins,
      note: note.value.trim() || null, occurred_at: at.toISOString(),
    });
    replace(status, message("ok", t(navigator.onLine ? "visit.saved" : "visit.saved_offline")));
    minutes.value = "";
    note.value = "";
    drawRecent();
  });

  async function drawRecent() {
    const mine = (await outbox.pending()).filter((e) => e.item.type === "activity");
    replace(recent, mine.length ? h("section", { class: "step" }, h("h2", {}, t("activity.waiting")),
      h("ul", {}, mine.map((e) => h("li", {}, t("activity.waiting_item", { what: labelOf(e.item.category), n: e.item.minutes, time: formatTime(e.item.occurred_at) }))))) : null);
  }

  replace(root,
    h("p", {}, h("a", { href: "#/worker", class: "btn btn--quiet btn--small" }, t("visit.back_to_run"))),
    h("h1", { id: "activity-title" }, t("activity.title")),
    h("p", { class: "hint" }, t("activity.intro")),
    form, recent);
  drawRecent();
  return outbox.onChange(drawRecent);
}

function labelOf(category) {
  return (CATEGORIES.find(([value]) => value === category) || [category, category])[1];
}
