// The coordinator's desk: the day's roster board (planned from here), conflicts, alerts, exceptions,
// visit detail and a map of positions.
import { acknowledge, loadAlerts, renderAlerts } from "../alerts.js";
import * as api from "../api.js";
import { longDay } from "../day-names.js";
import { renderBoard, scrollForNow } from "../board.js";
import { h, keepingInputs, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { loadExceptions, renderExceptions } from "../exceptions.js";
import { loadUnread, showUnread, unreadBadge } from "../family-inbox.js";
import { icon } from "../icons.js";
import { mapPanel, tileSettings } from "../map.js";
import { LEGEND, legendChip } from "../status.js";
import { addDays, clockTime, localDate } from "../time.js";
import { loadUndelivered, renderUndelivered, retry } from "../undelivered.js";
import { renderVisitDetail } from "../visit-detail.js";
import { conflictList, localToUtc, openVisitDialog } from "../visit-form.js";

const POLL_MS = 10000;


function failure(err) {
  return err.status === 0 ? t("coord.desk.offline") : err.message;
}

function toolbar(user, dayNav, updated, newVisit, inbox) {
  return h("div", { class: "toolbar" },
    h("h1", {}, t("coord.desk.title")), dayNav, h("span", { class: "spacer" }), updated, newVisit,
    h("a", { class: "btn", href: "#/planner" }, t("planner.link")),
    inbox,
    h("a", { class: "btn", href: "#/reports" }, t("coord.desk.reports")),
    h("a", { class: "btn", href: "#/clients" }, t("coord.desk.clients")),
    user?.role === "provider_admin" && [h("a", { class: "btn", href: "#/fair-pay" }, t("fairpay.link")),
      h("a", { class: "btn", href: "#/offers" }, t("commission.nav.offers")),
      h("a", { class: "btn", href: "#/risk" }, t("commission.nav.risk")),
      h("a", { class: "btn", href: "#/api-clients" }, t("coord.desk.apiClients")),
      h("a", { class: "btn", href: "#/feed-import" }, t("coord.desk.importCsv")),
      h("a", { class: "btn", href: "#/webhooks" }, t("coord.desk.webhooks"))]);
}

function panel(id, title, count, body) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title, " ", count), body);
}

export async function render(main, { user } = {}) {
  let day = localDate();
  const boardBox = h("div", { "aria-live": "off" });
  const moveNote = h("div", { "aria-live": "polite" });
  const updated = h("span", { class: "updated", role: "status" });
  const dayLabel = h("span", { class: "muted day-label" });
  const count = () => h("span", { class: "count" }, "0");
  const [alertsCount, excCount, undeliveredCount, conflictCount] = [count(), count(), count(), count()];
  const [alertsBox, excBox, mapBox, undeliveredBox, conflictBox] = [h("div"), h("div"), h("div"), h("div"), h("div")];
  const detail = h("section", { class: "panel detail", "aria-labelledby": "detail-title", hidden: true });
  const drawMap = mapPanel(mapBox, await tileSettings());
  let workers = [];
  let visits = [];
  let lastOk = null;
  const visitOf = (id) => visits.find((v) => v.id === id);

  const shift = (n) => h("button", { class: "btn btn--small", type: "button", "aria-label": t(n < 0 ? "coord.desk.previousDay" : "coord.desk.nextDay"),
    onClick: () => showDay(addDays(day, n)) }, n < 0 ? "‹" : "›");
  const today = h("button", { class: "btn btn--small", type: "button", onClick: () => showDay(localDate()) }, t("coord.desk.today"));
  const dayNav = h("span", { class: "day-nav" }, shift(-1), dayLabel, shift(1), today);
  const newVisit = h("button", { class: "btn btn--primary", type: "button", onClick: () => plan({ day }) }, t("coord.desk.newVisit"));
  const unread = unreadBadge();
  const inbox = h("a", { class: "btn", href: "#/messages" }, icon("bell"), t("coord.desk.messages"), unread);

  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" },
      toolbar(user, dayNav, updated, newVisit, inbox),
      h("ul", { class: "legend", "aria-label": t("coord.desk.statusKey") }, LEGEND.map((st) => h("li", {}, legendChip(st)))),
      h("p", { class: "hint" }, t("coord.desk.boardHint")),
      moveNote,
      boardBox,
      h("section", { class: "panel", "aria-labelledby": "map-title" }, h("h2", { id: "map-title" }, t("coord.map.title")), mapBox)),
    h("aside", { class: "desk-side" },
      detail,
      panel("conflicts-title", t("coord.desk.conflicts"), conflictCount, conflictBox),
      panel("alerts-title", t("coord.desk.alerts"), alertsCount, alertsBox),
      panel("exc-title", t("coord.desk.exceptions"), excCount, excBox),
      panel("undelivered-title", t("coord.desk.undelivered"), undeliveredCount, undeliveredBox))));

  async function plan(preset) {
    // The button works before the first load has finished: the carers are then read for the dialog.
    const carers = workers.length ? workers : await api.get("/api/v1/workers");
    openVisitDialog({ preset: { ...preset, day }, workers: carers, visitOf, onSaved: () => refresh() });
  }

  function openVisit(id) {
    detail.hidden = false;
    renderVisitDetail(detail, id, {
      onClose: () => { detail.hidden = true; delete detail.dataset.visitId; replace(detail); },
      onChanged: () => refresh(),
      onEdit: (visit) => openVisitDialog({
        visit, workers, visitOf, onSaved: () => { refresh(); openVisit(id); },
      }),
    });
  }

  /** A block dropped on a row: the visit moves to that carer (or off everyone, on "Not assigned") and time. */
  async function move({ visit, fromWorkerId, toWorkerId, minute }) {
    const ids = visit.assignments.map((a) => a.worker_id);
    const moved = fromWorkerId ? ids.map((id) => (id === fromWorkerId ? toWorkerId : id)) : [...ids, toWorkerId];
    const workerIds = [...new Set(moved.filter(Boolean))];
    const hhmm = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
    const body = { planned_start: localToUtc(day, hhmm) };
    if (workerIds.join() !== ids.join()) body.worker_ids = workerIds;
    try {
      const saved = await api.patch(`/api/v1/visits/${visit.id}`, body);
      replace(moveNote, saved.warnings.length ? h("div", { class: "message message--warn", role: "alert" },
        h("strong", {}, t("coord.desk.movedWithConflicts", { client: visit.client.name, time: hhmm })),
        conflictList(saved.warnings, (id) => (id === saved.id ? saved : visitOf(id))))
        : message("ok", t("coord.desk.moved", { client: visit.client.name, time: hhmm })));
    } catch (err) {
      replace(moveNote, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
    }
    refresh();
  }

  async function refreshBoard() {
    const [found, dayVisits, dayConflicts] = await Promise.all([
      api.get("/api/v1/workers"),
      api.getAll("/api/v1/visits", { date_from: day, date_to: day, limit: 500 }),
      api.get("/api/v1/visits/conflicts", { date: day }),
    ]);
    [workers, visits] = [found, dayVisits];
    const focused = document.activeElement?.closest?.(".block")?.dataset.visitId;
    const old = boardBox.querySelector(".board");
    const board = renderBoard({
      workers, visits, conflicts: dayConflicts.conflicts, onOpen: openVisit, showNow: localDate() === day,
      onAdd: ({ workerId, minute }) => plan({ workerId, minute }),
      onMove: move,
    });
    replace(boardBox, board);
    board.scrollLeft = old && old.dataset.day === day ? old.scrollLeft : scrollForNow(board);
    board.dataset.day = day;
    if (focused) boardBox.querySelector(`.block[data-visit-id="${focused}"]`)?.focus({ preventScroll: true });
    conflictCount.textContent = String(dayConflicts.conflicts.length);
    replace(conflictBox, dayConflicts.conflicts.length ? conflictList(dayConflicts.conflicts, visitOf)
      : h("p", { class: "muted" }, t("coord.desk.noConflicts")));
    const clients = [...new Map(visits.map((v) => [v.client.id, v.client])).values()];
    drawMap({ clients, workers: workers.filter((w) => w.active !== false) });
  }

  async function refreshAlerts() {
    try {
      const alerts = await loadAlerts();
      alertsCount.textContent = String(alerts.length);
      replace(alertsBox, renderAlerts(alerts, {
        onOpen: openVisit,
        visitOf,
        onAcknowledge: async (a) => {
          try {
            await acknowledge(a);
          } catch (err) {
            if (err.code !== "already_acknowledged") {
              replace(alertsBox, message("error", err.message));
              return;
            }
          }
          refreshAlerts();
        },
      }));
    } catch (err) {
      alertsCount.textContent = "–";
      replace(alertsBox, message("warn", t("coord.desk.alertsFailed", { reason: failure(err) })));
    }
  }

  async function refreshExceptions() {
    const found = await loadExceptions();
    excCount.textContent = String(found.visits.length);
    replace(excBox, renderExceptions(found, openVisit));
  }

  async function refreshUndelivered() {
    const rows = await loadUndelivered();
    undeliveredCount.textContent = String(rows.length);
    keepingInputs(undeliveredBox, () => replace(undeliveredBox, renderUndelivered(rows, async (n, reason) => {
      try {
        await retry(n, reason);
        refreshUndelivered();
      } catch (err) {
        replace(undeliveredBox, message("error", err.message));
      }
    })));
  }

  /** Families' unread messages on the Messages button, which then opens straight on them. */
  async function refreshInbox() {
    const n = await loadUnread();
    showUnread(unread, n);
    inbox.href = n ? "#/messages/families" : "#/messages";
  }

  async function refresh() {
    // The board first: alerts name their visit by its time from the day's visits.
    const board = await Promise.allSettled([refreshBoard()]);
    const results = [...board, ...await Promise.allSettled([refreshAlerts(), refreshExceptions(), refreshUndelivered(),
      refreshInbox()])];
    const failed = results.find((r) => r.status === "rejected");
    if (!failed) lastOk = clockTime();
    updated.textContent = failed
      ? t("coord.desk.notRefreshed", { reason: failure(failed.reason), last: lastOk || t("coord.desk.none") })
      : t("coord.desk.updated", { time: lastOk });
    if (failed && !visits.length) replace(boardBox, message("error", failed.reason.message));
  }

  function showDay(next) {
    day = next;
    dayLabel.textContent = longDay(day);
    today.hidden = day === localDate();
    refresh();
  }

  dayLabel.textContent = longDay(day);
  today.hidden = true;
  await refresh();
  const timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  return () => clearInterval(timer);
}
