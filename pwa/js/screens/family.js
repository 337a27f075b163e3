// A family member's view: who is coming to their relative and when, any delay, the doses given or refused
// (where the client agrees to share them), and a say on how it went.
import * as api from "../api.js";
import { pinPanel } from "../family-pin.js";
import { field, h, message, nextId, replace } from "../dom.js";
import { icon } from "../icons.js";
import * as push from "../push.js";
import { chip } from "../status.js";
import { addDays, formatDay, formatTime, localDate, timeRange } from "../time.js";

const POLL_MS = 30000;
const DOSE_WORDS = { given: "given", refused: "refused", not_available: "not available", already_taken: "already taken",
  not_given: "not given" };
// Only a visit a carer came to has something to rate (never a missed or cancelled one).
const rateable = (v) => Boolean(v.started_at) && !["cancelled", "missed"].includes(v.status);

const ABOUT_MS = 5 * 60000;

/** An estimate to the nearest five minutes: "about 16:45" promises no more than the scheduler knows. */
function aboutTime(iso) {
  return new Date(Math.round(new Date(iso).getTime() / ABOUT_MS) * ABOUT_MS).toISOString();
}

function weekBounds(today) {
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return [addDays(today, -weekday), addDays(today, 6 - weekday)];
}

export async function render(main, { user }) {
  const root = h("section", { class: "family", "aria-labelledby": "family-title" });
  main.append(root);
  const feedback = new Map();
  const medication = new Map();
  let visits = [];
  let drawn = null;
  const notifyPanel = h("section", { class: "panel", "aria-labelledby": "notify-title" });
  const pins = h("div");

  async function load() {
    const today = localDate();
    const [first, last] = weekBounds(today);
    try {
      visits = await api.getAll("/api/v1/visits", { date_from: first, date_to: last, limit: 200 });
    } catch (err) {
      replace(root, h("h1", { id: "family-title" }, "Visits"), message("error", err.status === 0 ? "You are offline." : err.message));
      return;
    }
    const now = Date.now();
    const due = visits.filter((v) => new Date(v.planned_start).getTime() <= now && rateable(v) && !feedback.has(v.id));
    await Promise.all(due.map(async (v) => {
      feedback.set(v.id, await api.get(`/api/v1/visits/${v.id}/feedback`).catch(() => []));
    }));
    // Dose outcomes of today's visits so far; a client who has not agreed to share them answers 403 (nothing shown).
    const begun = visits.filter((v) => new Date(v.planned_start).getTime() <= now && v.status !== "cancelled"
      && localDate(new Date(v.planned_start)) === today);
    await Promise.all(begun.map(async (v) => {
      medication.set(v.id, await api.get(`/api/v1/visits/${v.id}/doses`).catch(() => null));
    }));
    // Redraw only on change, so a comment being typed is not wiped by the refresh.
    const signature = JSON.stringify([today, visits, [...medication]]);
    if (signature !== drawn) await draw(today);
    drawn = signature;
  }

  async function draw(today) {
    const byDay = new Map();
    for (const v of visits) {
      const d = localDate(new Date(v.planned_start));
      if (!byDay.has(d)) byDay.set(d, []);
      byDay.get(d).push(v);
    }
    const clients = [...new Map(visits.map((v) => [v.client.id, v.client])).values()];
    const upcoming = visits.filter((v) => ["scheduled", "en_route", "late", "in_progress"].includes(v.status))
      .sort((a, b) => a.planned_start.localeCompare(b.planned_start));
    const days = [...byDay.keys()].sort();
    const later = days.filter((d) => d > today);
    const earlier = days.filter((d) => d < today).reverse();
    replace(root,
      h("h1", { id: "family-title" }, clients.length === 1 ? `Visits to ${clients[0].name}` : "Your relatives' visits"),
      upcoming.length ? nextCard(upcoming[0]) : h("p", { class: "card" }, "No more visits planned this week."),
      notifyPanel,
      pins,
      daySection("Today", byDay.get(today) || [], "h2"),
      later.length ? h("h2", {}, "Coming up this week") : null,
      later.map((d) => daySection(formatDay(d), byDay.get(d), "h3")),
      // Collapsed, so the page stays short: what is coming matters most.
      earlier.length ? earlierSection(earlier.map((d) => [d, byDay.get(d)])) : null);
  }

  function earlierSection(days) {
    const count = days.reduce((n, [, list]) => n + list.length, 0);
    return h("details", { class: "earlier" },
      h("summary", {}, h("h2", {}, `Earlier this week (${count} visit${count === 1 ? "" : "s"})`)),
      days.map(([d, list]) => daySection(formatDay(d), list, "h3")));
  }

  function whoComes(v) {
    const names = v.assignments.map((a) => a.worker_name);
    if (!names.length) return "a carer (not yet named)";
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  }

  /** "Sam is coming", "Sam and Ali are coming". */
  function isOrAre(v) {
    return v.assignments.length > 1 ? "are" : "is";
  }

  function delayLine(v) {
    if (v.expected_arrival) {
      return h("p", { class: "delay", role: "status", dataset: { expected: v.expected_arrival } }, icon("alert"),
        ` Running late — now expected about ${formatTime(aboutTime(v.expected_arrival))} (due ${formatTime(v.planned_start)}). The office has been told.`);
    }
    if (v.status === "late") return h("p", { class: "delay", role: "status" }, icon("alert"), ` Running late: the carer has not arrived yet (due ${formatTime(v.planned_start)}). The office has been told.`);
    if (v.status === "missed") return h("p", { class: "delay", role: "status" }, icon("cross"), " Nobody has checked in for this visit. The office has been told.");
    return null;
  }

  function nextCard(v) {
    const late = v.status === "late" || Boolean(v.expected_arrival);
    const when = localDate(new Date(v.planned_start)) === localDate() ? "today" : formatDay(localDate(new Date(v.planned_start)));
    const mine = v.assignments.find((a) => a.checked_in_at);
    return h("section", { class: `card next-visit${late ? " is-late" : ""}`, "aria-labelledby": "next-title" },
      h("h2", { id: "next-title" }, v.status === "in_progress" ? "With your relative now" : "Next visit"),
      h("p", {}, h("strong", {}, whoComes(v)), v.status === "in_progress"
        ? ` checked in at ${formatTime(mine?.checked_in_at || v.started_at)}.`
        : ` ${isOrAre(v)} coming ${when} at ${formatTime(v.planned_start)} (${v.planned_minutes} min).`),
      h("p", {}, chip(v)),
      delayLine(v));
  }

  async function drawNotifyPanel(note) {
    let links = [];
    try {
      links = await api.get("/api/v1/notify/preferences");
    } catch (err) {
      replace(notifyPanel, h("h2", { id: "notify-title" }, "Delay messages"), message("warn", err.message));
      return;
    }
    replace(notifyPanel, h("h2", { id: "notify-title" }, "Delay messages"), note,
      await pushControl(links), preferencesForm(links));
  }

  async function pushControl(links) {
    const st = await push.state().catch(() => "unsupported");
    const pushChosen = links.some((l) => (l.channels || []).includes("push"));
    const on = st === "on" && pushChosen;
    const btn = h("button", { class: "btn", type: "button", disabled: on || st === "unsupported" || st === "denied" },
      icon("bell"), on ? "Notifications are on for this device" : "Tell me on this device when a carer is delayed");
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        await push.subscribe();
        const channels = [...new Set([...(links[0]?.channels || []), "push"])];
        await api.put("/api/v1/notify/preferences", { channels });
        await drawNotifyPanel(message("ok", "Done. This device will show a notification when a carer is running late."));
      } catch (err) {
        await drawNotifyPanel(message("error", `Could not switch on notifications: ${err.fieldMessage ? err.fieldMessage() : err.message}`));
      }
    });
    const why = { unsupported: "This browser cannot show notifications.", denied: "Notifications are blocked for Caremon in this browser's settings." }[st];
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
      h("fieldset", { class: "channels" }, h("legend", {}, "Send delay messages by"),
        channel("email", "Email"), channel("sms", "Text message"), channel("push", "Notification on my devices")),
      field("Mobile number for text messages", phone),
      h("fieldset", {}, h("legend", {}, "Quiet hours (no messages)"),
        h("div", { class: "field-row" }, field("From", from), field("To", to))),
      h("label", { class: "check" }, paused, "Pause all delay messages"),
      h("button", { class: "btn btn--primary", type: "submit" }, "Save message settings"),
      status);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (Boolean(from.value) !== Boolean(to.value)) {
        replace(status, message("error", "Give both ends of the quiet hours, or neither."));
        return;
      }
      const body = {
        channels: [...form.querySelectorAll(".channels input:checked")].map((c) => c.value),
        quiet_from: from.value || null, quiet_to: to.value || null, opted_out: paused.checked, phone: phone.value.trim() || null,
      };
      try {
        await api.put("/api/v1/notify/preferences", body);
        replace(status, message("ok", "Saved."));
      } catch (err) {
        replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
      }
    });
    return h("details", { class: "settings" }, h("summary", {}, "Message settings: channels and quiet hours"), form);
  }

  function daySection(title, list, level) {
    const id = nextId("day");
    return h("section", { class: "panel day", "aria-labelledby": id },
      h(level, { id }, title),
      list.length ? list.sort((a, b) => a.planned_start.localeCompare(b.planned_start)).map(visitLine) : h("p", { class: "muted" }, "No visits."));
  }

  function visitLine(v) {
    return h("div", { class: "visit-line", dataset: { visitId: v.id } },
      h("span", { class: "when" }, formatTime(v.planned_start)),
      h("div", { class: "what" },
        h("span", {}, chip(v), " ", timeRange(v)),
        h("span", {}, `${v.assignments.length > 1 ? "Carers" : "Carer"}: ${whoComes(v)}`),
        delayLine(v),
        doseList(medication.get(v.id)),
        feedback.has(v.id) && rateable(v) ? rating(v) : null));
  }

  function doseList(doses) {
    if (!doses || (!doses.due.length && !doses.records.length)) return null;
    const line = (name, slot, record) => h("li", { class: record && record.outcome !== "given" ? "is-refused" : "" },
      `${name}${slot ? ` (${slot === "visit" ? "at the visit" : slot})` : " (as required)"}: `,
      record ? `${DOSE_WORDS[record.outcome] || record.outcome} ${formatTime(record.administered_at)}` : "not recorded yet");
    return h("div", { class: "doses-family" }, h("strong", {}, "Medication"), h("ul", {},
      doses.due.map((d) => line(d.version.name, d.slot, d.record)),
      doses.records.filter((r) => r.slot === null).map((r) => line(r.name, null, r))));
  }

  function rating(v) {
    const given = feedback.get(v.id) || [];
    if (given.length) {
      const f = given[0];
      return h("p", { class: "step-done" }, icon("check"), ` You rated this visit ${f.rating} of 5${f.comment ? `: “${f.comment}”` : ""}. Thank you.`);
    }
    const name = nextId("rating");
    const comment = h("textarea", { rows: 2, maxlength: 2000 });
    const status = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "rate" },
      h("fieldset", { class: "scores" },
        h("legend", {}, `How did the ${formatTime(v.planned_start)} visit go? (1 poor – 5 excellent)`),
        [1, 2, 3, 4, 5].map((n) => h("label", { class: "score" },
          h("input", { type: "radio", name, value: n, "aria-label": `${n} of 5` }), h("span", { "aria-hidden": "true" }, String(n))))),
      field("Comment (optional)", comment),
      h("button", { class: "btn btn--small", type: "submit" }, "Send"),
      status);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const picked = form.querySelector(`input[name="${name}"]:checked`);
      if (!picked) {
        replace(status, message("error", "Choose a rating from 1 to 5."));
        return;
      }
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

  await Promise.all([load(), drawNotifyPanel(), pinPanel().then((panel) => replace(pins, panel))]);
  const timer = setInterval(() => { if (!document.hidden) load(); }, POLL_MS);
  return () => clearInterval(timer);
}
