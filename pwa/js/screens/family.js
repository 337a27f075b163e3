// A family member's view: who is coming to their relative and when, any delay, and a say on how it went.
import * as api from "../api.js";
import { field, h, message, nextId, replace } from "../dom.js";
import { icon } from "../icons.js";
import * as push from "../push.js";
import { chip } from "../status.js";
import { addDays, formatDay, formatTime, localDate, timeRange } from "../time.js";

const POLL_MS = 30000;

function weekBounds(today) {
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return [addDays(today, -weekday), addDays(today, 6 - weekday)];
}

export async function render(main, { user }) {
  const root = h("section", { class: "family", "aria-labelledby": "family-title" });
  main.append(root);
  const feedback = new Map();
  let visits = [];
  let delays = new Map();
  let pushNote = null;
  let drawn = null;

  async function load() {
    const today = localDate();
    const [first, last] = weekBounds(today);
    try {
      visits = await api.getAll("/api/v1/visits", { date_from: first, date_to: last, limit: 200 });
    } catch (err) {
      replace(root, h("h1", { id: "family-title" }, "Visits"), message("error", err.status === 0 ? "You are offline." : err.message));
      return;
    }
    delays = await loadDelays();
    const now = Date.now();
    const due = visits.filter((v) => new Date(v.planned_start).getTime() <= now && v.status !== "cancelled" && !feedback.has(v.id));
    await Promise.all(due.map(async (v) => {
      feedback.set(v.id, await api.get(`/api/v1/visits/${v.id}/feedback`).catch(() => []));
    }));
    // Redraw only on change, so a comment being typed is not wiped by the refresh.
    const signature = JSON.stringify([today, visits, [...delays]]);
    if (signature !== drawn) await draw(today);
    drawn = signature;
  }

  async function loadDelays() {
    // Predicted delays come from alerts where the server offers them; the visit's own status says "late" anyway.
    try {
      const body = await api.get("/api/v1/alerts");
      const alerts = Array.isArray(body) ? body : body.items || [];
      return new Map(alerts.filter((a) => a.visit_id && a.expected_at).map((a) => [a.visit_id, a]));
    } catch {
      return new Map();
    }
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
      await pushPanel(),
      daySection("Today", byDay.get(today) || [], "h2"),
      later.length ? h("h2", {}, "Coming up this week") : null,
      later.map((d) => daySection(formatDay(d), byDay.get(d), "h3")),
      earlier.length ? h("h2", {}, "Earlier this week") : null,
      earlier.map((d) => daySection(formatDay(d), byDay.get(d), "h3")));
  }

  function whoComes(v) {
    return v.assignments.map((a) => a.worker_name).join(" and ") || "a carer (not yet named)";
  }

  function delayLine(v) {
    const alert = delays.get(v.id);
    if (alert) return h("p", { class: "delay", role: "status" }, icon("clock"), ` Running late: now expected about ${formatTime(alert.expected_at)}.`);
    if (v.status === "late") return h("p", { class: "delay", role: "status" }, icon("alert"), ` Running late: the carer has not arrived yet (due ${formatTime(v.planned_start)}). The office has been told.`);
    if (v.status === "missed") return h("p", { class: "delay", role: "status" }, icon("cross"), " Nobody has checked in for this visit. The office has been told.");
    return null;
  }

  function nextCard(v) {
    const late = v.status === "late" || delays.has(v.id);
    const when = localDate(new Date(v.planned_start)) === localDate() ? "today" : formatDay(localDate(new Date(v.planned_start)));
    const mine = v.assignments.find((a) => a.checked_in_at);
    return h("section", { class: `card next-visit${late ? " is-late" : ""}`, "aria-labelledby": "next-title" },
      h("h2", { id: "next-title" }, v.status === "in_progress" ? "With your relative now" : "Next visit"),
      h("p", {}, h("strong", {}, whoComes(v)), v.status === "in_progress"
        ? ` checked in at ${formatTime(mine?.checked_in_at || v.started_at)}.`
        : ` is coming ${when} at ${formatTime(v.planned_start)} (${v.planned_minutes} min).`),
      h("p", {}, chip(v)),
      delayLine(v));
  }

  async function pushPanel() {
    const st = await push.state().catch(() => "unsupported");
    const btn = h("button", { class: "btn", type: "button", disabled: st === "unsupported" || st === "denied" || st === "on" },
      icon("bell"), st === "on" ? "Delay alerts are on for this device" : "Tell me on this device when a carer is delayed");
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        await push.subscribe();
        pushNote = message("ok", "Done. This device will show a notification when a carer is running late.");
      } catch (err) {
        pushNote = message("error", `Could not switch on notifications: ${err.message}`);
      }
      draw(localDate());
    });
    const why = { unsupported: "This browser cannot show notifications.", denied: "Notifications are blocked for Caremon in this browser's settings." }[st];
    return h("section", { class: "panel", "aria-labelledby": "push-title" },
      h("h2", { id: "push-title" }, "Delay notifications"), btn, why ? h("p", { class: "hint" }, why) : null, pushNote);
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
        h("span", {}, `Carer: ${whoComes(v)}`),
        delayLine(v),
        feedback.has(v.id) ? rating(v) : null));
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

  await load();
  const timer = setInterval(() => { if (!document.hidden) load(); }, POLL_MS);
  return () => clearInterval(timer);
}
