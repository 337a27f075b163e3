// The care worker's day: visits in order with time, address and state; works from the saved copy offline.
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import * as outbox from "../outbox.js";
import { loadRun, shownStatus } from "../run.js";
import { chip } from "../status.js";
import { formatDay, formatTime, timeRange } from "../time.js";

const REFRESH_MS = 60000;

export async function render(main, { user }) {
  const root = h("section", { class: "worker", "aria-labelledby": "run-title" });
  main.append(root);
  let state = null;

  async function load() {
    try {
      state = await loadRun(user.id);
    } catch (err) {
      if (!state) replace(root, h("h1", { id: "run-title" }, "Today's run"), message("error",
        err.status === 0 ? "You are offline and this phone has no saved copy of today's run yet." : err.message));
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
    replace(root,
      h("div", { class: "worker-head" },
        h("h1", { id: "run-title" }, "Today's run"),
        h("span", { class: "muted" }, formatDay(run.date))),
      savedAt ? h("p", { class: "message message--warn stale-note", role: "status" },
        `Offline: showing your run as saved at ${formatTime(savedAt)}.`) : null,
      clockWarning(sync.lastSync),
      problems.length ? problemList(problems) : null,
      run.visits.length
        ? h("ol", { class: "run", "aria-label": "Visits in order" },
          run.visits.map((v) => visitItem(v, entries.filter((e) => e.visit_id === v.id))))
        : h("p", { class: "card" }, "No visits on your run today."),
      h("div", { class: "actions" },
        h("a", { class: "btn btn--block", href: "#/worker/activity" }, icon("clock"), "Log non-contact work"),
        h("a", { class: "btn btn--block", href: "#/worker/day" }, icon("download"), t("fairpay.myDay")),
        sync.pending > 0 ? h("button", {
          class: "btn btn--block", type: "button", disabled: !navigator.onLine,
          onClick: () => outbox.syncNow(),
        }, icon("upload"), navigator.onLine ? `Upload ${sync.pending} now` : `${sync.pending} will upload when online`) : null));
  }

  async function settledToday() {
    // Settled records the saved run may not reflect yet (the run is refetched after each upload).
    const all = await Promise.all((state?.run.visits || []).map((v) => outbox.forVisit(v.id)));
    return all.flat().filter((e) => e.state !== "pending");
  }

  function problemList(problems) {
    return h("section", { class: "panel problems", "aria-labelledby": "problems-title" },
      h("h2", { id: "problems-title" }, icon("alert"), "Not accepted by the office"),
      h("ul", {}, problems.map((p) => h("li", {},
        `${p.item.kind || p.item.category || p.item.type.replace(/_/g, " ")} at ${formatTime(outbox.itemTime(p.item))}: `,
        p.error?.message || "refused", p.error?.details?.fields ? ` (${Object.values(p.error.details.fields).flat().join(" ")})` : "",
        " ", h("button", { class: "btn btn--small", type: "button", onClick: async () => { await outbox.dismiss(p.idempotency_key); draw(); } }, "Dismiss")))));
  }

  function visitItem(visit, entries) {
    const status = shownStatus(visit, entries);
    const waiting = entries.some((e) => e.state === "pending");
    const carers = visit.assignments.filter((a) => a.worker_id !== user.worker_id).map((a) => a.worker_name);
    return h("li", {},
      h("a", { class: "run-item", href: `#/worker/visit/${visit.id}`, dataset: { visitId: visit.id } },
        h("span", { class: "run-time" }, formatTime(visit.planned_start), h("small", {}, `${visit.planned_minutes} min`)),
        h("span", {},
          h("span", { class: "run-client" }, visit.client.name),
          h("span", { class: "run-address" }, `${visit.client.address}${visit.client.postcode ? `, ${visit.client.postcode}` : ""}`)),
        h("span", { class: "run-meta" },
          chip({ ...visit, status }),
          waiting ? h("span", { class: "chip tone-pending" }, icon("upload"), "Waiting to upload") : null,
          h("span", { class: "muted" }, timeRange(visit)),
          carers.length ? h("span", { class: "muted" }, `with ${carers.join(", ")}`) : null)));
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
  return message("warn", `This phone's clock is ${minutes} min ${offset > 0 ? "fast" : "slow"}. Please set it to automatic time.`);
}
