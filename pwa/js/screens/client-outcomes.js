// A client's outcome statement for their review: outcomes agreed with each one's trend and progress visit
// by visit, the reviews (planned and recorded here by provider staff), visit notes, and the statement as a PDF.
import * as api from "../api.js";
import { lineChart, table } from "../charts.js";
import { field, h, message, replace } from "../dom.js";
import { locale, t } from "../i18n.js";
import { icon } from "../icons.js";
import { addDays, localDate } from "../time.js";

const TONES = { improving: "tone-done", steady: "tone-ontime", declining: "tone-late", not_enough_scores: "tone-pending" };
const STAFF = ["coordinator", "provider_admin"];

function dayText(iso) {
  return new Date(`${iso.slice(0, 10)}T12:00:00`).toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" });
}

function stamp(iso) {
  return `${dayText(iso)} ${iso.slice(11, 16)}`;
}

function trendChip(trend) {
  return h("span", { class: `chip ${TONES[trend.direction]}` }, t(`outcomes.trend.${trend.direction}`, trend));
}

function outcomeCard(o) {
  const points = o.progress.map((p) => ({ label: dayText(p.visit_start), value: p.score }));
  return h("article", { class: "panel statement-outcome" },
    h("h3", {}, o.title, o.active ? null : h("span", { class: "muted" }, ` (${t("outcomes.statement.retired")})`)),
    o.description ? h("p", {}, o.description) : null,
    h("p", {}, trendChip(o.trend)),
    o.progress.length
      ? [points.length > 1 ? lineChart({ title: t("outcomes.statement.scores"), points, min: 1, max: 5 }) : null,
        table({
          caption: t("outcomes.statement.progressCaption"),
          head: ["visit", "score", "carer", "comment"].map((k) => t(`outcomes.statement.${k}`)),
          rows: o.progress.map((p) => [stamp(p.visit_start), String(p.score), p.worker, p.comment || "—"]),
        })]
      : h("p", { class: "muted" }, t("outcomes.statement.noProgress")));
}

function reviewText(r) {
  if (!r.done_on) return t("outcomes.review.notDone");
  return t(r.on_time ? "outcomes.review.doneOnTime" : "outcomes.review.doneLate", { date: dayText(r.done_on) });
}

function reviewItem(r, canEdit, onDone) {
  const done = canEdit && !r.done_on
    ? h("button", { class: "btn btn--small", type: "button", onClick: () => onDone(r) }, icon("check"), t("outcomes.review.markDone"))
    : null;
  return h("li", { class: "review-item" },
    h("span", { class: `chip ${!r.done_on ? "tone-pending" : r.on_time ? "tone-done" : "tone-late"}` },
      t("outcomes.review.due", { date: dayText(r.due_on) })),
    " ", reviewText(r), r.notes ? h("span", { class: "muted" }, ` – ${r.notes}`) : null, " ", done);
}

function reviewForm(onSave) {
  const due = h("input", { type: "date", required: true, value: addDays(localDate(), 42) });
  const doneOn = h("input", { type: "date" });
  const notes = h("input", { maxlength: 4000 });
  const form = h("form", { class: "filters review-form" },
    field(t("outcomes.review.dueOn"), due), field(t("outcomes.review.doneOn"), doneOn), field(t("outcomes.review.notes"), notes),
    h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, t("outcomes.review.save"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    onSave({ due_on: due.value, done_on: doneOn.value || null, notes: notes.value.trim() || null });
  });
  return h("details", {}, h("summary", {}, t("outcomes.review.plan")), form);
}

function packageLine(p) {
  const base = t("outcomes.package.line", { minutes: p.weekly_minutes, from: dayText(p.starts_on) })
    + (p.ends_on ? t("outcomes.package.until", { to: dayText(p.ends_on) }) : "");
  const plan = p.reablement && p.planned_end_on
    ? t("outcomes.package.reablement", { minutes: p.planned_weekly_minutes ?? 0, date: dayText(p.planned_end_on) }) : null;
  return h("li", {}, base, plan ? h("div", { class: "muted" }, plan) : null);
}

export async function render(main, { params, user }) {
  const clientId = params[0];
  const to = h("input", { type: "date", value: localDate(), required: true });
  const from = h("input", { type: "date", value: addDays(localDate(), -83), required: true });
  const body = h("div", { class: "statement", "aria-live": "polite" });
  const heading = h("div", {});
  const notice = h("div", {});
  const pdf = h("button", { class: "btn", type: "button" }, icon("download"), t("outcomes.statement.pdf"));
  const form = h("form", { class: "filters" }, field(t("outcomes.statement.from"), from), field(t("outcomes.statement.to"), to),
    h("div", { class: "row-actions" }, h("button", { class: "btn btn--primary", type: "submit" }, t("outcomes.statement.show")), pdf));
  const back = user.role === "council_officer" ? "#/council/outcome-payments" : "#/clients";
  main.append(h("section", { class: "panel", "aria-labelledby": "statement-title" },
    h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: back }, t("outcomes.statement.back"))),
    heading, form, notice), body);
  const query = () => ({ date_from: from.value, date_to: to.value });

  async function load() {
    let s, reviews;
    try {
      [s, reviews] = await Promise.all([api.get(`/api/v1/clients/${clientId}/outcome-statement`, query()),
        api.get(`/api/v1/clients/${clientId}/outcome-reviews`)]);
    } catch (err) {
      replace(body, message("error", err.message));
      return;
    }
    replace(heading, h("h1", { id: "statement-title" }, t("outcomes.statement.title", { name: s.client_name })),
      h("p", { class: "muted" }, t("outcomes.statement.meta", { reference: s.client_reference || "—", provider: s.provider, contract: s.contract_reference })));
    const canEdit = STAFF.includes(user.role);
    const act = async (work) => {
      try {
        await work();
        replace(notice, message("ok", t("outcomes.review.saved")));
        await load();
      } catch (err) {
        replace(notice, message("error", err.message));
      }
    };
    const onDone = (r) => act(() => api.patch(`/api/v1/outcome-reviews/${r.id}`, { done_on: localDate() }));
    const onSave = (data) => act(() => api.post(`/api/v1/clients/${clientId}/outcome-reviews`, data));
    replace(body,
      h("section", { "aria-labelledby": "agreed-title" }, h("h2", { id: "agreed-title" }, t("outcomes.statement.agreed")),
        s.outcomes.length ? h("div", { class: "statement-outcomes" }, s.outcomes.map(outcomeCard))
          : message("warn", t("outcomes.statement.noOutcomes"))),
      h("div", { class: "statement-side" },
        h("section", { class: "panel", "aria-labelledby": "reviews-title" }, h("h2", { id: "reviews-title" }, t("outcomes.statement.reviews")),
          reviews.length ? h("ul", { class: "plain-list reviews" }, reviews.map((r) => reviewItem(r, canEdit, onDone)))
            : h("p", { class: "muted" }, t("outcomes.statement.noReviews")),
          canEdit ? reviewForm(onSave) : null),
        h("section", { class: "panel", "aria-labelledby": "packages-title" }, h("h2", { id: "packages-title" }, t("outcomes.statement.packages")),
          h("ul", { class: "plain-list" }, s.packages.map(packageLine))),
        h("section", { class: "panel", "aria-labelledby": "notes-title" }, h("h2", { id: "notes-title" }, t("outcomes.statement.notes")),
          s.notes.length ? h("ul", { class: "plain-list notes" }, s.notes.map((n) => h("li", {},
            h("span", { class: "muted" }, `${stamp(n.at)} · ${n.worker}: `), n.text)))
            : h("p", { class: "muted" }, t("outcomes.statement.noNotes")))));
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  pdf.addEventListener("click", () => api.download(`/api/v1/clients/${clientId}/outcome-statement.pdf`, query(),
    `outcomes-${clientId}.pdf`).catch((err) => replace(notice, message("error", err.message))));
  await load();
}
