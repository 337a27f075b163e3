// The coordinator's desk: live roster board, alerts, exception queue, visit detail and a map of positions.
import { acknowledge, loadAlerts, renderAlerts } from "../alerts.js";
import * as api from "../api.js";
import { renderBoard, scrollForNow } from "../board.js";
import { h, keepingInputs, message, replace } from "../dom.js";
import { loadExceptions, renderExceptions } from "../exceptions.js";
import { t } from "../i18n.js";
import { mapPanel, tileSettings } from "../map.js";
import { LEGEND, legendChip } from "../status.js";
import { clockTime, formatDay, localDate } from "../time.js";
import { loadUndelivered, renderUndelivered, retry } from "../undelivered.js";
import { renderVisitDetail } from "../visit-detail.js";

const POLL_MS = 10000;

export async function render(main, { user } = {}) {
  const day = localDate();
  const boardBox = h("div", { "aria-live": "off" });
  const updated = h("span", { class: "updated", role: "status" });
  const alertsBox = h("div");
  const alertsCount = h("span", { class: "count" }, "0");
  const excBox = h("div");
  const excCount = h("span", { class: "count" }, "0");
  const mapBox = h("div");
  const undeliveredBox = h("div");
  const undeliveredCount = h("span", { class: "count" }, "0");
  const detail = h("section", { class: "panel detail", "aria-labelledby": "detail-title", hidden: true });
  const drawMap = mapPanel(mapBox, await tileSettings());
  let workers = [];
  let visits = [];
  let timer = null;
  let lastOk = null;

  main.append(h("div", { class: "desk" },
    h("div", { class: "desk-main" },
      h("div", { class: "toolbar" },
        h("h1", {}, "Today's roster"), h("span", { class: "muted" }, formatDay(day)),
        h("span", { class: "spacer" }), updated, h("a", { class: "btn", href: "#/planner" }, t("planner.link")),
        h("a", { class: "btn", href: "#/reports" }, "Reports and KPIs"),
        h("a", { class: "btn", href: "#/clients" }, "Clients and tags"),
        user?.role === "provider_admin" && [h("a", { class: "btn", href: "#/api-clients" }, "API clients"),
          h("a", { class: "btn", href: "#/feed-import" }, "Import CSV"),
          h("a", { class: "btn", href: "#/webhooks" }, "Webhooks")]),
      h("ul", { class: "legend", "aria-label": "Status key" }, LEGEND.map((st) => h("li", {}, legendChip(st)))),
      boardBox,
      h("section", { class: "panel", "aria-labelledby": "map-title" }, h("h2", { id: "map-title" }, "Where everyone is"), mapBox)),
    h("aside", { class: "desk-side" },
      detail,
      h("section", { class: "panel", "aria-labelledby": "alerts-title" },
        h("h2", { id: "alerts-title" }, "Alerts ", alertsCount), alertsBox),
      h("section", { class: "panel", "aria-labelledby": "exc-title" },
        h("h2", { id: "exc-title" }, "Exceptions to resolve ", excCount), excBox),
      h("section", { class: "panel", "aria-labelledby": "undelivered-title" },
        h("h2", { id: "undelivered-title" }, "Messages not delivered ", undeliveredCount), undeliveredBox))));

  function openVisit(id) {
    detail.hidden = false;
    renderVisitDetail(detail, id, {
      onClose: () => { detail.hidden = true; replace(detail); },
      onChanged: () => refresh(),
    });
  }

  async function refreshBoard() {
    [workers, visits] = await Promise.all([
      api.get("/api/v1/workers"),
      api.getAll("/api/v1/visits", { date_from: day, date_to: day, limit: 500 }),
    ]);
    const focused = document.activeElement?.closest?.(".block")?.dataset.visitId;
    const old = boardBox.querySelector(".board");
    const board = renderBoard({ workers, visits, onOpen: openVisit, showNow: localDate() === day });
    replace(boardBox, board);
    board.scrollLeft = old ? old.scrollLeft : scrollForNow(board);
    if (focused) boardBox.querySelector(`.block[data-visit-id="${focused}"]`)?.focus({ preventScroll: true });
    const clients = [...new Map(visits.map((v) => [v.client.id, v.client])).values()];
    drawMap({ clients, workers: workers.filter((w) => w.active !== false) });
  }

  async function refreshAlerts() {
    try {
      const alerts = await loadAlerts();
      alertsCount.textContent = String(alerts.length);
      replace(alertsBox, renderAlerts(alerts, {
        onOpen: openVisit,
        visitOf: (id) => visits.find((v) => v.id === id),
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
      replace(alertsBox, message("warn", `Alerts could not be loaded: ${err.status === 0 ? "offline" : err.message}`));
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

  async function refresh() {
    // The board first: alerts name their visit by its time from today's visits.
    const board = await Promise.allSettled([refreshBoard()]);
    const results = [...board, ...await Promise.allSettled([refreshAlerts(), refreshExceptions(), refreshUndelivered()])];
    const failed = results.find((r) => r.status === "rejected");
    if (!failed) lastOk = clockTime();
    updated.textContent = failed
      ? `Not refreshed (${failed.reason.status === 0 ? "offline" : failed.reason.message}). Last update: ${lastOk || "none"}`
      : `Updated ${lastOk}`;
    if (failed && !visits.length) replace(boardBox, message("error", failed.reason.message));
  }

  await refresh();
  timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  return () => clearInterval(timer);
}
