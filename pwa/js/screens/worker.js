// The care worker's day: the next visit first, with a tap to call the office and a link to directions, then every
// visit in order with time, address and state; works from the saved copy offline.
import { dayMonth } from "../date-words.js";
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import * as outbox from "../outbox.js";
import { directionsLink, loadRun, nextVisit, officeLink, shownStatus } from "../run.js";
import { chip } from "../status.js";
import { formatTime, timeRange } from "../time.js";

const REFRESH_MS = 60000;

export async function render(main, { user }) {
  const root = h("section", { class: "worker", "aria-labelledby": "run-title" });
  main.append(root);
  let state = null;

  async function load() {
    try {
      state = await loadRun(user.id);
    } catch (err) {
      if (!state) replace(root, h("h1", { id: "run-title" }, t("worker.title")), message("error",
        err.status === 0 ? t("worker.offline_no_copy") : err.message));
      return;
    }
    await draw();
  }

  async function draw() {
    if (!state) return;
    const { run, savedAt } = state;
    const entries = await outbox.pending().then(async (p) => [...p, ...(await settledToday())]);
    const sync = await outbox.summary();
    const problems = await outbox.rejected();
    const mine = (v) => entries.filter((e) => e.visit_id === v.id);
    const next = nextVisit(run.visits, (v) => shownStatus(v, mine(v)));
    replace(root,
      h("div", { class: "worker-head" },
        h("h1", { id: "run-title" }, t("worker.title")),
        h("span", { class: "muted" }, dayMonth(run.date, true))),
      savedAt ? h("p", { class: "message message--warn stale-note", role: "status" },
        t("worker.offline_saved_at", { time: formatTime(savedAt) })) : null,
      clockWarning(sync.lastSync),
      problems.length ? problemList(problems) : null,
      next ? nextCard(next, shownStatus(next, mine(next))) : null,
      run.visits.length
        ? [h("h2", { class: "run-heading" }, t("worker.all_visits", { count: run.visits.length })),
          h("ol", { class: "run", "aria-label": t("worker.visits_in_order") },
            run.visits.map((v) => visitItem(v, mine(v))))]
        : h("p", { class: "card" }, t("worker.no_visits")),
      h("div", { class: "actions" },
        h("a", { class: "btn btn--block", href: "#/worker/activity" }, icon("clock"), t("worker.log_activity")),
        h("a", { class: "btn btn--block", href: "#/worker/day" }, icon("download"), t("fairpay.myDay")),
        sync.pending > 0 ? h("button", {
          class: "btn btn--block", type: "button", disabled: !navigator.onLine,
          onClick: () => outbox.syncNow(),
        }, icon("upload"), navigator.onLine ? t("worker.upload_now", { count: sync.pending })
          : t("worker.upload_later", { count: sync.pending })) : null));
  }

  async function settledToday() {
    // Settled records the saved run may not reflect yet (the run is refetched after each upload).
    const all = await Promise.all((state?.run.visits || []).map((v) => outbox.forVisit(v.id)));
    return all.flat().filter((e) => e.state !== "pending");
  }

  function problemList(problems) {
    return h("section", { class: "panel problems", "aria-labelledby": "problems-title" },
      h("h2", { id: "problems-title" }, icon("alert"), t("worker.not_accepted")),
      h("ul", {}, problems.map((p) => h("li", {},
        t("worker.problem_at", { what: p.item.kind || p.item.category || p.item.type.replace(/_/g, " "),
          time: formatTime(outbox.itemTime(p.item)) }), " ",
        p.error?.message || t("worker.refused"),
        p.error?.details?.fields ? ` (${Object.values(p.error.details.fields).flat().join(" ")})` : "",
        " ", h("button", { class: "btn btn--small", type: "button",
          onClick: async () => { await outbox.dismiss(p.idempotency_key); draw(); } }, t("worker.dismiss"))))));
  }

  /** The visit to go to now, big enough to read at arm's length, with the calls a carer makes on the way. */
  function nextCard(visit, status) {
    const here = status === "in_progress";
    const office = officeLink(visit);
    const address = `${visit.client.address}${visit.client.postcode ? `, ${visit.client.postcode}` : ""}`;
    return h("section", { class: "card next-up", "aria-labelledby": "next-up-title", dataset: { visitId: visit.id } },
      h("h2", { id: "next-up-title" }, here ? t("worker.here_now") : t("worker.next_visit")),
      h("p", { class: "next-up-when" }, h("strong", {}, formatTime(visit.planned_start)), " ",
        t("worker.minutes", { count: visit.planned_minutes })),
      h("p", { class: "next-up-client" }, visit.client.name),
      h("p", { class: "run-address" }, address),
      h("p", {}, chip({ ...visit, status })),
      visit.client.access_notes ? h("p", { class: "access-note" }, h("strong", {}, t("worker.access")), " ",
        visit.client.access_notes) : null,
      h("div", { class: "next-up-actions" },
        h("a", { class: "btn btn--primary btn--block", href: `#/worker/visit/${visit.id}` }, icon("door"),
          here ? t("worker.continue_visit") : t("worker.open_visit")),
        h("a", { class: "btn btn--block", href: directionsLink(visit.client), dataset: { action: "directions" } },
          icon("route"), t("worker.directions")),
        office ? h("a", { class: "btn btn--block", href: office, dataset: { action: "call-office" } },
          icon("phone"), t("worker.call_office")) : h("p", { class: "hint" }, t("worker.no_office_phone"))));
  }

  function visitItem(visit, entries) {
    const status = shownStatus(visit, entries);
    const waiting = entries.some((e) => e.state === "pending");
    const carers = visit.assignments.filter((a) => a.worker_id !== user.worker_id).map((a) => a.worker_name);
    return h("li", {},
      h("a", { class: "run-item", href: `#/worker/visit/${visit.id}`, dataset: { visitId: visit.id } },
        h("span", { class: "run-time" }, formatTime(visit.planned_start),
          h("small", {}, t("worker.minutes", { count: visit.planned_minutes }))),
        h("span", {},
          h("span", { class: "run-client" }, visit.client.name),
          h("span", { class: "run-address" }, `${visit.client.address}${visit.client.postcode ? `, ${visit.client.postcode}` : ""}`)),
        h("span", { class: "run-meta" },
          chip({ ...visit, status }),
          waiting ? h("span", { class: "chip tone-pending" }, icon("upload"), t("worker.waiting_upload")) : null,
          h("span", { class: "muted" }, timeRange(visit)),
          carers.length ? h("span", { class: "muted" }, t("worker.with", { names: carers.join(", ") })) : null)));
  }

  const offChange = outbox.onChange((s) => {
    if (state && s.pending === 0 && state.waiting) load();
    if (state) state.waiting = s.pending > 0;
    draw();
  });
  const timer = setInterval(load, REFRESH_MS);
  const onOnline = () => load();
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", draw);
  await load();
  return () => {
    offChange();
    clearInterval(timer);
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", draw);
  };
}

export function clockWarning(lastSync) {
  const offset = lastSync?.clock_offset_s;
  if (offset === undefined || offset === null || Math.abs(offset) < 120) return null;
  const minutes = Math.round(Math.abs(offset) / 60);
  return message("warn", t(offset > 0 ? "worker.clock_fast" : "worker.clock_slow", { minutes }));
}
