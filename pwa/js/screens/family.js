// A family member's view: who is coming to their relative and when, any delay, the doses given or refused and the
// care log (where the client agrees), a say on how a delivered visit went, and a message to the provider's office.
import * as api from "../api.js";
import { careLogPanel } from "../care-log.js";
import { dayMonth } from "../date-words.js";
import { field, h, message, nextId, replace } from "../dom.js";
import { clearErrors, showErrors, showServerErrors } from "../field-errors.js";
import { pinPanel } from "../family-pin.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import * as push from "../push.js";
import { chip } from "../status.js";
import { addDays, formatTime, localDate, timeRange } from "../time.js";

const POLL_MS = 30000;
// Only a visit the carer finished has something to rate (never one under way, missed or cancelled).
const rateable = (v) => v.status === "completed";
const ABOUT_MS = 5 * 60000;

/** An estimate to the nearest five minutes: "about 16:45" promises no more than the scheduler knows. */
function aboutTime(iso) {
  return new Date(Math.round(new Date(iso).getTime() / ABOUT_MS) * ABOUT_MS).toISOString();
}

function weekBounds(today) {
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return [addDays(today, -weekday), addDays(today, 6 - weekday)];
}

/** "Tuesday 24 November" in the reader's language. */
const dayName = (isoDate) => dayMonth(isoDate, true);

/** "Sam", "Sam and Ali", "Sam, Ali and Jo". */
function names(list) {
  return list.length === 1 ? list[0] : t("family.names_and", { first: list.slice(0, -1).join(", "), last: list.at(-1) });
}

export async function render(main) {
  const root = h("section", { class: "family", "aria-labelledby": "family-title" });
  main.append(root);
  const feedback = new Map();
  const medication = new Map();
  let visits = [];
  let drawn = null;
  const settings = h("div");
  const logs = h("div");
  const office = h("div");
  let clients = [];

  async function load() {
    const today = localDate();
    const [first, last] = weekBounds(today);
    try {
      visits = await api.getAll("/api/v1/visits", { date_from: first, date_to: last, limit: 200 });
    } catch (err) {
      replace(root, h("h1", { id: "family-title" }, t("family.title")), message("error", err.status === 0 ? t("family.offline") : err.message));
      return;
    }
    const now = Date.now();
    const due = visits.filter((v) => rateable(v) && !feedback.has(v.id));
    await Promise.all(due.map(async (v) => {
      feedback.set(v.id, await api.get(`/api/v1/visits/${v.id}/feedback`).catch(() => []));
    }));
    // Dose outcomes of today's visits so far, for relatives who have agreed to share them (others would answer 403).
    const sharing = new Set(clients.filter((c) => c.medication_shared_with_family).map((c) => c.id));
    const begun = visits.filter((v) => new Date(v.planned_start).getTime() <= now && v.status !== "cancelled"
      && localDate(new Date(v.planned_start)) === today && sharing.has(v.client_id));
    await Promise.all(begun.map(async (v) => {
      medication.set(v.id, await api.get(`/api/v1/visits/${v.id}/doses`).catch(() => null));
    }));
    // Redraw only on change, so a comment being typed is not wiped by the refresh.
    const signature = JSON.stringify([today, visits, [...medication]]);
    if (signature !== drawn) draw(today);
    drawn = signature;
  }

  function draw(today) {
    const byDay = new Map();
    for (const v of visits) {
      const d = localDate(new Date(v.planned_start));
      if (!byDay.has(d)) byDay.set(d, []);
      byDay.get(d).push(v);
    }
    const upcoming = visits.filter((v) => ["scheduled", "en_route", "late", "in_progress"].includes(v.status))
      .sort((a, b) => a.planned_start.localeCompare(b.planned_start));
    const days = [...byDay.keys()].sort();
    const later = days.filter((d) => d > today);
    const earlier = days.filter((d) => d < today).reverse();
    replace(root,
      h("h1", { id: "family-title" }, clients.length === 1 ? t("family.visits_to", { name: clients[0].name }) : t("family.title")),
      upcoming.length ? nextCard(upcoming[0]) : h("p", { class: "card" }, t("family.no_more_visits")),
      daySection(t("family.today"), byDay.get(today) || [], "h2"),
      later.length ? h("h2", {}, t("family.coming_up")) : null,
      later.map((d) => daySection(dayName(d), byDay.get(d), "h3")),
      // Collapsed, so the page stays short: what is coming matters most.
      earlier.length ? earlierSection(earlier.map((d) => [d, byDay.get(d)])) : null,
      logs, office, settings);
  }

  function earlierSection(days) {
    const count = days.reduce((n, [, list]) => n + list.length, 0);
    return h("details", { class: "earlier" },
      h("summary", {}, h("h2", {}, t(count === 1 ? "family.earlier_one" : "family.earlier_many", { count }))),
      days.map(([d, list]) => daySection(dayName(d), list, "h3")));
  }

  function whoComes(v) {
    const carers = v.assignments.map((a) => a.worker_name);
    return carers.length ? names(carers) : t("family.unnamed_carer");
  }

  function delayLine(v) {
    if (v.expected_arrival) {
      return h("p", { class: "delay", role: "status", dataset: { expected: v.expected_arrival } }, icon("alert"), " ",
        t("family.delay_expected", { about: formatTime(aboutTime(v.expected_arrival)), due: formatTime(v.planned_start) }));
    }
    if (v.status === "late") {
      return h("p", { class: "delay", role: "status" }, icon("alert"), " ", t("family.delay_late", { due: formatTime(v.planned_start) }));
    }
    if (v.status === "missed") return h("p", { class: "delay", role: "status" }, icon("cross"), " ", t("family.delay_missed"));
    return null;
  }

  function nextCard(v) {
    const late = v.status === "late" || Boolean(v.expected_arrival);
    const day = localDate(new Date(v.planned_start));
    const mine = v.assignments.find((a) => a.checked_in_at);
    const vars = { who: whoComes(v), when: day === localDate() ? t("family.today_lower") : dayName(day),
      time: formatTime(v.planned_start), minutes: v.planned_minutes };
    return h("section", { class: `card next-visit${late ? " is-late" : ""}`, "aria-labelledby": "next-title" },
      h("h2", { id: "next-title" }, v.status === "in_progress" ? t("family.with_now") : t("family.next_visit")),
      h("p", {}, v.status === "in_progress"
        ? t("family.checked_in", { who: whoComes(v), time: formatTime(mine?.checked_in_at || v.started_at) })
        : t(v.assignments.length > 1 ? "family.are_coming" : "family.is_coming", vars)),
      h("p", {}, chip(v)),
      delayLine(v));
  }

  function daySection(title, list, level) {
    const id = nextId("day");
    return h("section", { class: "panel day", "aria-labelledby": id },
      h(level, { id }, title),
      list.length ? list.sort((a, b) => a.planned_start.localeCompare(b.planned_start)).map(visitLine)
        : h("p", { class: "muted" }, t("family.no_visits")));
  }

  function visitLine(v) {
    return h("div", { class: "visit-line", dataset: { visitId: v.id } },
      h("span", { class: "when" }, formatTime(v.planned_start)),
      h("div", { class: "what" },
        h("span", {}, chip(v), " ", timeRange(v)),
        h("span", {}, t(v.assignments.length > 1 ? "family.carers" : "family.carer", { who: whoComes(v) })),
        delayLine(v),
        doseList(medication.get(v.id)),
        feedback.has(v.id) && rateable(v) ? rating(v) : null));
  }

  function doseList(doses) {
    if (!doses || (!doses.due.length && !doses.records.length)) return null;
    const line = (name, slot, record) => h("li", { class: record && record.outcome !== "given" ? "is-refused" : "" },
      `${name} (${slot === null ? t("family.dose_prn") : slot === "visit" ? t("family.dose_at_visit") : slot}): `,
      record ? t("family.dose_record", { outcome: t(`family.dose_${record.outcome}`), time: formatTime(record.administered_at) })
        : t("family.dose_not_recorded"));
    return h("div", { class: "doses-family" }, h("strong", {}, t("family.medication")), h("ul", {},
      doses.due.map((d) => line(d.version.name, d.slot, d.record)),
      doses.records.filter((r) => r.slot === null).map((r) => line(r.name, null, r))));
  }

  function rating(v) {
    const given = feedback.get(v.id) || [];
    if (given.length) {
      const f = given[0];
      return h("p", { class: "step-done" }, icon("check"), " ",
        f.comment ? t("family.rated_comment", { rating: f.rating, comment: f.comment }) : t("family.rated", { rating: f.rating }));
    }
    const name = nextId("rating");
    const comment = h("textarea", { rows: 2, maxlength: 2000 });
    const status = h("div", { "aria-live": "polite" });
    const scores = h("fieldset", { class: "scores" },
      h("legend", {}, t("family.rate_question", { time: formatTime(v.planned_start) })),
      [1, 2, 3, 4, 5].map((n) => h("label", { class: "score" },
        h("input", { type: "radio", name, value: n, "aria-label": t("family.n_of_5", { n }) }),
        h("span", { "aria-hidden": "true" }, String(n)))));
    const form = h("form", { class: "rate" }, scores, field(t("family.comment"), comment),
      h("button", { class: "btn btn--small", type: "submit" }, t("family.send")), status);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const picked = form.querySelector(`input[name="${name}"]:checked`);
      if (!picked) {
        showErrors(form, [[scores.querySelector("input"), t("family.choose_rating")]]);
        return;
      }
      clearErrors(form);
      try {
        const saved = await api.post(`/api/v1/visits/${v.id}/feedback`, { rating: Number(picked.value), comment: comment.value.trim() || null });
        feedback.set(v.id, [saved]);
        draw(localDate());
      } catch (err) {
        replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
      }
    });
    return form;
  }

  async function drawLogs() {
    replace(logs, await Promise.all(clients.map((c) => careLogPanel(c, clients.length > 1))));
  }

  clients = await api.get("/api/v1/clients").catch(() => []);
  // The visits are drawn as soon as they come; the log, the office form and the settings fill in beside them.
  await Promise.all([load(), drawLogs(), officePanel(clients).then((panel) => replace(office, panel)),
    Promise.all([notifyPanel(), pinPanel()]).then((panels) => replace(settings, panels))]);
  const timer = setInterval(() => { if (!document.hidden) load(); }, POLL_MS);
  return () => clearInterval(timer);
}

/** A message to the office of the provider caring for a relative, and the ones already sent. */
async function officePanel(clients) {
  const panel = h("section", { class: "panel office-message", "aria-labelledby": "office-title" });
  let sent = await api.get("/api/v1/family-messages").catch(() => []);
  const relative = h("select", { required: true }, clients.map((c) => h("option", { value: c.id }, c.name)));
  const text = h("textarea", { rows: 4, maxlength: 2000, required: true });
  const status = h("div", { "aria-live": "polite" });
  const list = h("div");
  const form = h("form", { novalidate: true },
    clients.length > 1 ? field(t("family.message_about"), relative) : null,
    field(t("family.message_text"), text, t("family.message_hint")),
    h("button", { class: "btn btn--primary", type: "submit" }, icon("mail"), t("family.message_send")),
    status);
  function drawSent() {
    replace(list, sent.length ? [h("h3", {}, t("family.messages_sent")), h("ul", { class: "plain-list sent-messages" },
      sent.slice(0, 10).map((m) => h("li", { dataset: { messageId: m.id } },
        h("p", { class: "muted" }, t(m.read_at ? "family.message_read" : "family.message_unread", {
          when: `${dayName(localDate(new Date(m.created_at)))} ${formatTime(m.created_at)}`, name: m.client_name })),
        h("p", { class: "message-body" }, m.body))))] : null);
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(status);
    if (showErrors(form, text.value.trim() ? [] : [[text, t("family.message_empty")]])) return;
    try {
      const made = await api.post("/api/v1/family-messages", { client_id: Number(relative.value || clients[0]?.id), body: text.value.trim() });
      clearErrors(form);
      text.value = "";
      sent = [made, ...sent];
      drawSent();
      replace(status, message("ok", t("family.message_done")));
    } catch (err) {
      const rest = err.status === 422 ? showServerErrors(form, err, { body: text, client_id: relative }) : err.message;
      if (rest) replace(status, message("error", rest));
    }
  });
  drawSent();
  replace(panel, h("h2", { id: "office-title" }, icon("mail"), t("family.office_title")),
    h("p", { class: "hint" }, t("family.office_intro")),
    clients.length ? form : message("warn", t("family.no_relatives")), list);
  return panel;
}

/** Delay messages: notifications on this device, channels, quiet hours. */
async function notifyPanel(note) {
  const panel = h("section", { class: "panel", "aria-labelledby": "notify-title" });
  let links = [];
  try {
    links = await api.get("/api/v1/notify/preferences");
  } catch (err) {
    return replace(panel, h("h2", { id: "notify-title" }, t("family.delay_messages")), message("warn", err.message));
  }
  const redraw = async (text) => panel.replaceWith(await notifyPanel(text));
  return replace(panel, h("h2", { id: "notify-title" }, t("family.delay_messages")), note,
    await pushControl(links, redraw), preferencesForm(links));
}

async function pushControl(links, redraw) {
  const st = await push.state().catch(() => "unsupported");
  const pushChosen = links.some((l) => (l.channels || []).includes("push"));
  const on = st === "on" && pushChosen;
  const btn = h("button", { class: "btn", type: "button", disabled: on || st === "unsupported" || st === "denied" },
    icon("bell"), on ? t("family.push_on") : t("family.push_ask"));
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      await push.subscribe();
      const channels = [...new Set([...(links[0]?.channels || []), "push"])];
      await api.put("/api/v1/notify/preferences", { channels });
      await redraw(message("ok", t("family.push_done")));
    } catch (err) {
      await redraw(message("error", t("family.push_failed", { why: err.fieldMessage ? err.fieldMessage() : err.message })));
    }
  });
  const why = { unsupported: t("family.push_unsupported"), denied: t("family.push_denied") }[st];
  return h("div", {}, btn, why ? h("p", { class: "hint" }, why) : null);
}

function preferencesForm(links) {
  const link = links[0] || { channels: [], quiet_from: null, quiet_to: null, opted_out: false, phone: null };
  const channel = (value, label) => h("label", { class: "check" },
    h("input", { type: "checkbox", value, checked: (link.channels || []).includes(value) }), label);
  const phone = h("input", { type: "tel", autocomplete: "tel", value: link.phone || "", maxlength: 32 });
  const from = h("input", { type: "time", value: link.quiet_from || "" });
  const to = h("input", { type: "time", value: link.quiet_to || "" });
  const paused = h("input", { type: "checkbox", checked: Boolean(link.opted_out) });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", {},
    h("fieldset", { class: "channels" }, h("legend", {}, t("family.send_by")),
      channel("email", t("family.by_email")), channel("sms", t("family.by_sms")), channel("push", t("family.by_push"))),
    field(t("family.mobile"), phone),
    h("fieldset", {}, h("legend", {}, t("family.quiet_hours")),
      h("div", { class: "field-row" }, field(t("family.quiet_from"), from), field(t("family.quiet_to"), to))),
    h("label", { class: "check" }, paused, t("family.pause_all")),
    h("button", { class: "btn btn--primary", type: "submit" }, t("family.save_settings")),
    status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(status);
    if (showErrors(form, Boolean(from.value) !== Boolean(to.value) ? [[from.value ? to : from, t("family.quiet_both")]] : [])) return;
    const body = {
      channels: [...form.querySelectorAll(".channels input:checked")].map((c) => c.value),
      quiet_from: from.value || null, quiet_to: to.value || null, opted_out: paused.checked, phone: phone.value.trim() || null,
    };
    try {
      await api.put("/api/v1/notify/preferences", body);
      clearErrors(form);
      replace(status, message("ok", t("family.saved")));
    } catch (err) {
      const rest = err.status === 422 ? showServerErrors(form, err, { phone, quiet_from: from, quiet_to: to }) : err.message;
      if (rest) replace(status, message("error", rest));
    }
  });
  return h("details", { class: "settings" }, h("summary", {}, t("family.settings_summary")), form);
}
