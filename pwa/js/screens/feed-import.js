// A provider admin's CSV import of clients, carers or planned visits: check the file first, read each row's
// answer, then import for real. Rows are stored as the provider feed stores them (docs/FEED.md, "CSV files").
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";

const KINDS = [["clients", "Clients"], ["workers", "Care workers"], ["visits", "Planned visits"]];
const STATUS_TEXT = {
  created: "New", updated: "Updated", unchanged: "Unchanged", held: "Held for a coordinator", rejected: "Rejected",
};

export async function render(main) {
  const kind = h("select", { name: "kind" }, options(KINDS, "clients"));
  const file = h("input", { type: "file", name: "file", accept: ".csv,text/csv", required: true });
  const importBtn = h("button", { class: "btn btn--primary", type: "button", disabled: true }, "Import accepted rows");
  const status = h("div", { "aria-live": "polite" });
  const reportBox = h("div");
  let checked = null; // the file and kind the last dry run was for

  const send = async (dryRun) => {
    const chosen = file.files[0];
    if (!chosen) {
      replace(status, message("error", "Choose a CSV file first."));
      return;
    }
    replace(status, message("ok", dryRun ? "Checking…" : "Importing…"));
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
    h("h2", {}, "1. Check a file"),
    h("div", { class: "filters" }, field("The file holds", kind), field("CSV file", file,
      "A header row of column names, then one row per record; nothing is stored while checking.")),
    h("button", { class: "btn", type: "submit" }, "Check file"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send(true);
  });
  for (const input of [kind, file]) input.addEventListener("change", () => { importBtn.disabled = true; checked = null; });
  importBtn.addEventListener("click", () => send(false));

  main.append(h("section", { class: "panel" },
    h("nav", { class: "toolbar", "aria-label": "Desk" }, h("h1", {}, "Import from a spreadsheet"),
      h("span", { class: "spacer" }), h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")),
    h("p", { class: "muted" }, "Bring in your clients, care workers and planned visits from a CSV file, named by your "
      + "own references. Importing the same file again changes nothing."),
    form,
    h("div", { class: "card" }, h("h2", {}, "2. Import"), h("p", { class: "muted" },
      "Stores the rows the check accepted; rejected rows are listed with their reasons to fix and import again."),
    importBtn),
    status, reportBox));
}

function summary(report) {
  const done = report.dry_run ? "would be accepted" : "accepted";
  const text = `${report.rows} rows: ${report.accepted} ${done}, ${report.rejected} rejected.`
    + (report.dry_run ? " Nothing was stored." : "");
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

const HEADINGS = ["Line", "Reference", "Result", "Reason"];

function reportTable(report) {
  return h("table", { class: "data" },
    h("caption", {}, report.dry_run ? "What each row would be" : "What each row became"),
    h("thead", {}, h("tr", {}, HEADINGS.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, report.results.map((r) => h("tr", { class: r.status === "rejected" ? "row--rejected" : null },
      [String(r.line), r.ref ?? "", STATUS_TEXT[r.status] ?? r.status, reason(r.error)].map((text, i) =>
        h("td", { dataset: { label: HEADINGS[i] } }, text))))));
}
