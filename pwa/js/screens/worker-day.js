// A care worker's own day record: each visit with where and when, the travel between, and the day's pay figures.
import * as api from "../api.js";
import { field, h, message, replace } from "../dom.js";
import { duration, money } from "../fair-pay-parts.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { formatTime, localDate } from "../time.js";

const RECORD = "/api/v1/workers/me/day-record";

function errorText(err) {
  return err.fieldMessage ? err.fieldMessage() : err.message;
}

function clock(iso) {
  return iso ? formatTime(iso) : t("fairpay.notRecorded");
}

function leg(visit) {
  if (visit.travel_before_minutes === null) return null;
  return h("li", { class: "day-leg" }, icon("pin"), " ",
    t("fairpay.travelBefore", { travel: duration(visit.travel_before_minutes), waiting: duration(visit.waiting_before_minutes) }));
}

function visitCard(visit) {
  const place = [visit.address, visit.postcode].filter(Boolean).join(", ");
  return h("li", { class: "card day-visit", dataset: { visitId: visit.visit_id } },
    h("h3", {}, `${clock(visit.check_in)}–${clock(visit.check_out)} · ${visit.client_name}`),
    h("p", { class: "day-place" }, place),
    h("p", { class: "muted" }, t("fairpay.planned", { from: formatTime(visit.planned_start), to: formatTime(visit.planned_end) })),
    visit.tasks_done.length ? h("p", {}, t("fairpay.tasksDone", { tasks: visit.tasks_done.join(", ") })) : null,
    h("p", {}, t("fairpay.paidMinutes", { minutes: duration(visit.paid_minutes) }),
      visit.pay_outcome === "held" ? [" · ", h("span", { class: "chip tone-late" }, icon("clock"), t("fairpay.heldVisit"))] : null));
}

function summaryList(s) {
  const yesNo = (v) => t(v === true ? "fairpay.yes" : v === false ? "fairpay.no" : "fairpay.unknown");
  const items = [
    [t("fairpay.contact"), duration(s.contact_minutes)], [t("fairpay.travel"), duration(s.travel_minutes)],
    [t("fairpay.waiting"), duration(s.waiting_minutes)], [t("fairpay.working"), duration(s.working_minutes)],
    [t("fairpay.paid"), duration(s.paid_minutes)], [t("fairpay.rate"), money(s.hourly_rate_minor)],
    [t("fairpay.travelPaid"), yesNo(s.pays_travel)], [t("fairpay.pay"), money(s.pay_minor)],
    [t("fairpay.perHour"), money(s.effective_hourly_minor)], [t("fairpay.minimum"), money(s.minimum_hourly_minor)],
    [t("fairpay.below"), yesNo(s.below_minimum)],
  ];
  return h("section", { class: "panel", "aria-labelledby": "day-summary" },
    h("h2", { id: "day-summary" }, t("fairpay.summary")),
    h("dl", { class: "day-figures" }, items.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])));
}

export async function render(main) {
  const date = h("input", { type: "date", value: localDate(), max: localDate(), required: true });
  const status = h("div", { "aria-live": "polite" });
  const content = h("div");

  function downloadButton(label, format) {
    const btn = h("button", { class: "btn", type: "button" }, icon("download"), label);
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        const file = await api.download(RECORD, { date: date.value, format }, `caremon-day-${date.value}.${format}`);
        replace(status, message("ok", t("fairpay.downloaded", { name: file.name })));
      } catch (err) {
        replace(status, message("error", t("fairpay.downloadFailed", { message: errorText(err) })));
      } finally {
        btn.disabled = false;
      }
    });
    return btn;
  }

  async function load() {
    if (!date.value) return;
    replace(status, h("p", { class: "muted" }, t("fairpay.loading")));
    try {
      const record = await api.get(RECORD, { date: date.value });
      replace(status);
      replace(content,
        record.visits.length
          ? h("ol", { class: "day-visits", "aria-label": t("fairpay.visits") }, record.visits.map((v) => [leg(v), visitCard(v)]))
          : h("p", { class: "card" }, t("fairpay.noVisits")),
        summaryList(record.summary));
    } catch (err) {
      replace(content);
      replace(status, message("error", errorText(err)));
    }
  }

  date.addEventListener("change", load);
  main.append(
    h("nav", { class: "toolbar", "aria-label": t("fairpay.myDay") },
      h("a", { class: "btn", href: "#/worker" }, t("fairpay.backToRun"))),
    h("section", { "aria-labelledby": "day-title" },
      h("h1", { id: "day-title" }, t("fairpay.myDay")),
      h("p", { class: "hint" }, t("fairpay.myDayIntro")),
      h("div", { class: "panel day-pick" }, field(t("fairpay.day"), date),
        h("div", { class: "downloads" }, downloadButton(t("fairpay.csv"), "csv"), downloadButton(t("fairpay.pdf"), "pdf"))),
      status, content));
  await load();
}
