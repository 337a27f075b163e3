// A provider admin's CSV import of clients, carers or planned visits: check the file first, read each row's
// answer, then import for real. Rows are stored as the provider feed stores them (docs/FEED.md, "CSV files").
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";

const KINDS = [["clients", "integrations.kind_clients"], ["workers", "integrations.kind_workers"], ["visits", "integrations.kind_visits"]];
const STATUS_TEXT = {
  created: "integrations.row_created", updated: "integrations.row_updated", unchanged: "integrations.row_unchanged", held: "integrations.row_held",
  rejected: "integrations.row_rejected",
};

export async function render(main) {
  const kind = h("select", { name: "kind" }, options(KINDS.map(([value, key]) => [value, t(key)]), "clients"));
  const file = h("input", { type: "file", name: "file", accept: ".csv,text/csv", required: true });
  const importBtn = h("button", { class: "btn btn--primary", type: "button", disabled: true }, t("integrations.import_accepted"));
  const status = h("div", { "aria-live": "polite" });
  const reportBox = h("div");
  let checked = null; // the file and kind the last dry run was for

  const send = async (dryRun) => {
    const chosen = file.files[0];
    if (!chosen) {
      replace(status, message("error", t("integrations.choose_file")));
      return;
    }
    replace(status, message("ok", t(dryRun ? "integrations.checking" : "integrations.importing")));
    try {
      const report = await api.postFile("/api/v1/feed/import", new Blob([chosen], { type: "text/csv" }),
        { kind: kind.value, dry_run: dryRun });
      replace(status, summary(report));
      replace(reportBox, reportTable(report));
      checked = dryRun && report.accepted ? [chosen, kind.value] : null;
    } catch (err) {
      checked = null;
      replace(status, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
      replace(reportBox);
    }
    importBtn.disabled = !checked;
  };
  const form = h("form", { class: "card" },
    h("h2", {}, t("integrations.step_check")),
    h("div", { class: "filters" }, field(t("integrations.file_holds"), kind), field(t("integrations.csv_file"), file, t("integrations.csv_hint"))),
    h("button", { class: "btn", type: "submit" }, t("integrations.check_file")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send(true);
  });
  for (const input of [kind, file]) input.addEventListener("change", () => { importBtn.disabled = true; checked = null; });
  importBtn.addEventListener("click", () => send(false));

  main.append(h("section", { class: "panel" },
    h("nav", { class: "toolbar", "aria-label": t("common.desk") }, h("h1", {}, t("integrations.import_title")),
      h("span", { class: "spacer" }), h("a", { class: "btn", href: "#/coordinator" }, t("common.back_to_roster"))),
    h("p", { class: "muted" }, t("integrations.import_intro")),
    form,
    h("div", { class: "card" }, h("h2", {}, t("integrations.step_import")), h("p", { class: "muted" }, t("integrations.import_hint")),
    importBtn),
    status, reportBox));
}

function summary(report) {
  const counts = { rows: report.rows, accepted: report.accepted, rejected: report.rejected };
  const text = report.dry_run ? t("integrations.summary_dry", counts) : t("integrations.summary", counts);
  return message(report.rejected ? "warn" : "ok", text);
}

function reason(error) {
  if (!error) return "";
  return error.details?.fields ? fieldProblems(error.details.fields).join("; ") : error.message;
}

/** "care_package.starts_on: Not a valid date." for each problem, however deep the field. */
function fieldProblems(fields, prefix = "") {
  return Object.entries(fields).flatMap(([name, problems]) => (Array.isArray(problems)
    ? [`${prefix}${name}: ${problems.flat(Infinity).join(" ")}`]
    : fieldProblems(problems, `${prefix}${name}.`)));
}

const HEADINGS = ["integrations.line", "integrations.reference", "integrations.result", "integrations.reason"];

function reportTable(report) {
  return h("table", { class: "data" },
    h("caption", {}, t(report.dry_run ? "integrations.would_be" : "integrations.became")),
    h("thead", {}, h("tr", {}, HEADINGS.map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, report.results.map((r) => h("tr", { class: r.status === "rejected" ? "row--rejected" : null },
      [String(r.line), r.ref ?? "", STATUS_TEXT[r.status] ? t(STATUS_TEXT[r.status]) : r.status, reason(r.error)].map((text, i) =>
        h("td", { dataset: { label: t(HEADINGS[i]) } }, text))))));
}
