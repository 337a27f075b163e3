// The planner (coordinators, provider admins): make a plan for a day, review each carer's run and what was left, publish.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { addDays, formatDay, formatTime, localDate } from "../time.js";

const POLL_MS = 1500;

export async function render(main) {
  const day = h("input", { type: "date", value: addDays(localDate(), 1), required: true });
  const days = h("select", {}, options([1, 2, 3, 4, 5, 6, 7].map((n) => [n, String(n)]), 1));
  const replan = h("input", { type: "checkbox" });
  const run = h("button", { class: "btn btn--primary", type: "submit" }, t("planner.run"));
  const status = h("div", { "aria-live": "polite" });
  const review = h("div", {});
  let timer = null;
  let stopped = false;

  const form = h("form", { class: "panel filters", onSubmit: (e) => { e.preventDefault(); start(); } },
    field(t("planner.date"), day), field(t("planner.days"), days),
    h("label", { class: "check" }, replan, " ", t("planner.replan")), run);
  main.append(
    h("nav", { class: "toolbar", "aria-label": t("planner.title") },
      h("h1", {}, t("planner.title")), h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/coordinator" }, t("planner.back"))),
    h("p", { class: "muted" }, t("planner.intro")), form, status, review);

  async function start() {
    run.disabled = true;
    replace(review);
    try {
      const plan = await api.post("/api/v1/plans", { date: day.value, days: Number(days.value), replan_assigned: replan.checked });
      show(plan);
    } catch (e) {
      run.disabled = false;
      replace(status, message("error", e.fieldMessage ? e.fieldMessage() : e.message));
    }
  }

  async function poll(id) {
    if (stopped) return;
    try {
      show(await api.get(`/api/v1/plans/${id}`));
    } catch (e) {
      replace(status, message("error", e.message));
      run.disabled = false;
    }
  }

  function show(plan) {
    if (plan.status === "queued" || plan.status === "running") {
      replace(status, h("p", { class: "loading", "data-testid": "plan-progress" }, t(`planner.${plan.status}`)));
      timer = setTimeout(() => poll(plan.id), POLL_MS);
      return;
    }
    run.disabled = false;
    if (plan.status === "failed") {
      replace(status, message("error", t("planner.failed")));
      return;
    }
    replace(status, summary(plan));
    replace(review, planReview(plan));
  }

  function summary(plan) {
    const r = plan.result;
    const text = t("planner.summary", { assigned: r.assignments.length, unassigned: r.unassigned.length, travel: r.travel_minutes });
    if (plan.status === "published") return message("ok", `${text} ${t("planner.published")}`);
    const publish = h("button", { class: "btn btn--primary", type: "button", "data-testid": "publish" }, t("planner.publish"));
    publish.addEventListener("click", async () => {
      publish.disabled = true;
      try {
        show(await api.post(`/api/v1/plans/${plan.id}/publish`));
      } catch (e) {
        const stale = e.code === "plan_stale";
        replace(status, message("error", stale ? t("planner.stale", { count: e.details.visit_ids.length }) : e.message));
      }
    });
    if (!r.assignments.length && !r.unassigned.length) return message("warn", t("planner.nothing"));
    return h("div", { class: "panel" }, h("p", {}, text), publish);
  }

  return () => { stopped = true; clearTimeout(timer); };
}

function planReview(plan) {
  const r = plan.result;
  const moved = new Map(r.assignments.map((a) => [a.visit_id, a.moved_minutes]));
  return [
    h("section", { class: "panel", "aria-labelledby": "left-title" },
      h("h2", { id: "left-title" }, t("planner.unassigned"), " ", h("span", { class: "count" }, String(r.unassigned.length))),
      r.unassigned.length ? unassignedTable(r.unassigned) : h("p", { class: "muted" }, t("planner.none_left"))),
    h("section", { "aria-labelledby": "runs-title" },
      h("h2", { id: "runs-title" }, t("planner.runs")),
      r.runs.map((run) => runCard(run, moved))),
  ];
}

function unassignedTable(rows) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("planner.col_time")),
      h("th", { scope: "col" }, t("planner.col_client")), h("th", { scope: "col" }, t("planner.col_reason")))),
    h("tbody", {}, rows.map((row) => h("tr", { "data-testid": "unassigned" },
      cell("td", "planner.col_time", formatTime(row.planned_start)), cell("th", "planner.col_client", row.client_name),
      cell("td", "planner.col_reason", t(`planner.reason_${row.reason}`)))))));
}

function runCard(run, moved) {
  const title = t(run.stops.length === 1 ? "planner.run_head_one" : "planner.run_head", { name: run.worker_name, visits: run.stops.length, travel: run.travel_minutes });
  return h("section", { class: "panel", "data-testid": "plan-run" },
    h("h3", {}, title, " ", h("span", { class: "muted" }, `· ${formatDay(run.date)} · ${t(`planner.mode_${run.travel_mode}`)}`)),
    h("div", { class: "table-wrap" }, h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("planner.col_time")),
        h("th", { scope: "col" }, t("planner.col_client")), h("th", { scope: "col" }, t("planner.col_travel")))),
      h("tbody", {}, run.stops.map((stop) => h("tr", {},
        cell("td", "planner.col_time", `${formatTime(stop.start)}–${formatTime(stop.end)}`),
        cell("th", "planner.col_client", h("span", {}, stop.client_name, note(stop, moved.get(stop.visit_id)))),
        cell("td", "planner.col_travel", t("planner.minutes", { n: stop.travel_minutes }))))))));
}

// A cell labelled with its column's name, which narrow screens show beside the value.
function cell(tag, labelKey, content) {
  return h(tag, tag === "th" ? { scope: "row", "data-label": t(labelKey) } : { "data-label": t(labelKey) }, content);
}

function note(stop, shift) {
  if (stop.kept) return h("span", { class: "muted" }, ` (${t("planner.kept")})`);
  if (shift) return h("span", { class: "muted" }, ` (${t("planner.moved", { n: shift > 0 ? `+${shift}` : shift })})`);
  return null;
}
