// The council officer's invoices: upload a provider's invoice as CSV (format and template on the page), then read
// its reconciliation against payable time line by line, what differs first.
import * as api from "../api.js";
import { contractOptions, dataTable, dateRange, deskNav, money, shortDate, signed } from "../council-desk.js";
import { field, h, message, options, replace } from "../dom.js";
import { clearErrors, showErrors, showServerErrors } from "../field-errors.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

const COLUMNS = ["visit_id", "client_reference", "date", "minutes", "amount", "description"];
const TEMPLATE = [
  COLUMNS.join(","),
  "104233,,2026-11-23,30,12.50,Morning call",
  ",REF-0042,2026-11-24,45,18.75,All calls that day",
].join("\r\n");
// Each entry's kind, most needing attention first, with the words and tone it is shown in.
const KINDS = [
  ["mismatched", "council.kind_mismatched", "row--warn"],
  ["invoiced_not_delivered", "council.kind_not_delivered", "row--bad"],
  ["delivered_not_invoiced", "council.kind_not_invoiced", "row--warn"],
  ["matched", "council.kind_matched", ""],
];

function saveTemplate() {
  const href = URL.createObjectURL(new Blob([`${TEMPLATE}\r\n`], { type: "text/csv" }));
  const a = h("a", { href, download: "caremon-invoice-template.csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

function formatHelp() {
  const rows = COLUMNS.map((name) => ({ cells: [h("code", {}, name), t(`council.format_${name}`)] }));
  return h("details", { class: "format-help" },
    h("summary", {}, t("council.format_title")),
    h("p", {}, t("council.format_intro")),
    dataTable({ caption: t("council.format_caption"), head: [t("council.format_column"), t("council.format_meaning")], rows }),
    h("button", { class: "btn", type: "button", onClick: saveTemplate }, icon("download"), t("council.template")));
}

/** Default dates for a contract's invoice: its latest closed period, else the period to close next. */
async function defaultDates(contractId, periods) {
  const closed = periods.filter((p) => p.contract_id === contractId).sort((a, b) => b.date_to.localeCompare(a.date_to));
  if (closed.length) return [closed[0].date_from, closed[0].date_to];
  const next = await api.get(`/api/v1/contracts/${contractId}/next-period`);
  return [next.date_from, next.date_to];
}

function uploadForm(contracts, periods, onUploaded) {
  const contract = h("select", { required: true }, options(contractOptions(contracts)));
  const from = h("input", { type: "date", required: true });
  const to = h("input", { type: "date", required: true });
  const reference = h("input", { type: "text", maxlength: 64, autocomplete: "off" });
  const file = h("input", { type: "file", accept: ".csv,text/csv", required: true });
  const status = h("div", { "aria-live": "polite" });
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, icon("upload"), t("council.upload"));
  const form = h("form", { class: "panel", "aria-labelledby": "upload-title", novalidate: true },
    h("h2", { id: "upload-title" }, icon("upload"), t("council.upload_title")),
    h("div", { class: "filters" },
      field(t("council.contract"), contract), field(t("council.invoice_from"), from), field(t("council.invoice_to"), to),
      field(t("council.invoice_reference"), reference)),
    field(t("council.invoice_file"), file, t("council.invoice_file_hint")),
    formatHelp(),
    h("div", { class: "item-actions" }, submit),
    status);

  async function fillDates() {
    try {
      [from.value, to.value] = await defaultDates(Number(contract.value), periods);
    } catch (err) {
      replace(status, message("error", err.message));
    }
  }
  contract.addEventListener("change", fillDates);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(status);
    const problems = [];
    if (!contract.value) problems.push([contract, t("council.need_contract")]);
    if (!from.value) problems.push([from, t("council.need_date")]);
    if (!to.value) problems.push([to, t("council.need_date")]);
    else if (from.value && to.value < from.value) problems.push([to, t("council.end_before_start")]);
    if (!file.files.length) problems.push([file, t("council.need_file")]);
    if (showErrors(form, problems)) return;
    const body = new FormData();
    body.append("file", file.files[0], file.files[0].name);
    submit.disabled = true;
    replace(status, h("p", { class: "muted" }, t("council.uploading")));
    try {
      const invoice = await api.postFile("/api/v1/invoices", body, {
        contract_id: contract.value, date_from: from.value, date_to: to.value, reference: reference.value.trim() || null,
      });
      clearErrors(form);
      file.value = "";
      reference.value = "";
      replace(status, message("ok", t("council.uploaded", { lines: invoice.lines })));
      onUploaded(invoice);
    } catch (err) {
      replace(status);
      const rest = err.status === 422
        ? showServerErrors(form, err, { file, date_from: from, date_to: to, reference, contract_id: contract })
        : err.message;
      if (rest) replace(status, message("error", rest));
    } finally {
      submit.disabled = false;
    }
  });
  return { form, ready: fillDates() };
}

function entryRow(kind, e) {
  const [, key, className] = KINDS.find(([k]) => k === kind);
  const differs = e.differences.map((d) => t(`council.differs_${d}`)).join(", ");
  return {
    className, data: { kind },
    cells: [
      e.invoice_lines.length ? e.invoice_lines.join(", ") : "—",
      h("span", { class: "entry-kind" }, t(key)),
      e.visit_id ?? "—",
      e.client_reference || "—",
      shortDate(e.date),
      t("council.min_money", { minutes: e.invoiced_minutes, amount: money(e.invoiced_amount_pence) }),
      t("council.min_money", { minutes: e.payable_minutes, amount: money(e.payable_amount_pence) }),
      t("council.min_money", { minutes: signed(e.difference_minutes), amount: signed(e.difference_amount_pence, money) }),
      e.reason || differs || "—",
    ],
  };
}

function summaryCard(rec) {
  const s = rec.summary;
  const count = (key) => s[key].count;
  return h("div", { class: "card reconciliation-summary" },
    h("dl", { class: "numbers" },
      h("dt", {}, t("council.invoiced")), h("dd", {}, t("council.min_money", {
        minutes: s.invoiced.minutes, amount: money(s.invoiced.amount_pence) })),
      h("dt", {}, t("council.payable")), h("dd", {}, t("council.min_money", {
        minutes: s.payable.minutes, amount: money(s.payable.amount_pence) })),
      h("dt", {}, t("council.difference")), h("dd", { class: "difference" }, t("council.min_money", {
        minutes: signed(s.difference.minutes), amount: signed(s.difference.amount_pence, money) }))),
    h("ul", { class: "plain-list counts" },
      KINDS.map(([kind, key]) => h("li", { dataset: { kind } }, h("strong", {}, String(count(kind))), " ", t(key)))));
}

/** The reconciliation: the totals, then every entry in invoice-line order, the ones needing a look first. */
function reconciliationView(rec, contracts) {
  const inv = rec.invoice;
  const contract = contracts.find((c) => c.id === inv.contract_id);
  const all = KINDS.flatMap(([kind]) => rec[kind].map((e) => ({ kind, e })));
  const problems = all.filter(({ kind }) => kind !== "matched");
  const order = (a, b) => (a.e.invoice_lines[0] ?? Infinity) - (b.e.invoice_lines[0] ?? Infinity)
    || a.e.date.localeCompare(b.e.date);
  const body = h("div");
  const onlyProblems = h("input", { type: "checkbox", checked: problems.length > 0 });
  const head = [t("council.col_lines"), t("council.col_result"), t("council.col_visit"), t("council.col_client"),
    t("council.col_date"), t("council.col_invoiced"), t("council.col_payable"), t("council.col_difference"),
    t("council.col_why")];
  function draw() {
    const shown = (onlyProblems.checked ? problems : all).slice().sort(order);
    replace(body, dataTable({ caption: t("council.lines_caption"), head, rows: shown.map(({ kind, e }) => entryRow(kind, e)),
      empty: onlyProblems.checked ? t("council.no_problems") : t("council.no_lines") }));
  }
  onlyProblems.addEventListener("change", draw);
  draw();
  const periodRows = rec.period_lines.map((l) => ({ cells: [t(`council.row_${l.row_kind}`), shortDate(l.date),
    l.client_reference || "—", l.visit_id ?? "—", t("council.min_money", { minutes: l.payable_minutes,
      amount: money(l.amount_pence) }), l.detail || "—"] }));
  return h("section", { class: "panel reconciliation", "aria-labelledby": "rec-title", dataset: { invoiceId: inv.id } },
    h("h2", { id: "rec-title" }, t("council.rec_title", { reference: inv.reference || inv.filename || `#${inv.id}` })),
    h("p", { class: "muted" }, t("council.rec_about", { contract: contract ? contract.reference : inv.contract_id,
      dates: dateRange(inv.date_from, inv.date_to), lines: inv.lines })),
    summaryCard(rec),
    h("label", { class: "check" }, onlyProblems, t("council.only_problems", { count: problems.length })),
    body,
    periodRows.length ? dataTable({ caption: t("council.period_lines_caption"), rows: periodRows,
      head: [t("council.col_kind"), t("council.col_date"), t("council.col_client"), t("council.col_visit"),
        t("council.col_payable"), t("council.col_detail")] }) : null);
}

export async function render(main) {
  let contracts, periods, invoices;
  try {
    [contracts, periods, invoices] = await Promise.all(
      ["/api/v1/contracts", "/api/v1/periods", "/api/v1/invoices"].map((path) => api.get(path)));
  } catch (err) {
    main.append(message("error", err.message));
    return;
  }
  const list = h("section", { class: "panel", "aria-labelledby": "invoices-title" });
  const detail = h("div", { "aria-live": "polite" });

  async function open(invoiceId) {
    replace(detail, h("p", { class: "muted" }, t("council.reconciling")));
    try {
      const rec = await api.get(`/api/v1/invoices/${invoiceId}/reconciliation`);
      replace(detail, reconciliationView(rec, contracts));
      detail.querySelector("h2").setAttribute("tabindex", "-1");
      detail.querySelector("h2").focus();
    } catch (err) {
      replace(detail, message("error", err.message));
    }
  }

  function drawList() {
    const reference = (c) => contracts.find((x) => x.id === c)?.reference || c;
    replace(list, h("h2", { id: "invoices-title" }, t("council.invoices_title")),
      dataTable({
        caption: t("council.invoices_caption"), empty: t("council.no_invoices"),
        head: [t("council.col_reference"), t("council.contract"), t("council.col_dates"), t("council.col_lines_count"),
          t("council.col_invoiced"), t("council.col_uploaded"), ""],
        rows: invoices.map((inv) => ({ data: { invoiceId: inv.id }, cells: [
          inv.reference || inv.filename || `#${inv.id}`, reference(inv.contract_id), dateRange(inv.date_from, inv.date_to),
          String(inv.lines), t("council.min_money", { minutes: inv.minutes, amount: money(inv.amount_pence) }),
          shortDate(inv.uploaded_at.slice(0, 10)),
          h("button", { class: "btn btn--small", type: "button", onClick: () => open(inv.id) }, t("council.reconcile")),
        ] })),
      }));
  }

  const upload = contracts.length ? uploadForm(contracts, periods, (invoice) => {
    invoices = [invoice, ...invoices];
    drawList();
    open(invoice.id);
  }) : null;
  drawList();
  main.append(h("section", { class: "council-desk", "aria-labelledby": "invoices-page-title" },
    deskNav("/council/invoices"),
    h("h1", { id: "invoices-page-title" }, t("council.invoices_page_title")),
    h("p", { class: "hint" }, t("council.invoices_intro")),
    upload ? upload.form : message("warn", t("council.no_contracts")),
    list, detail));
  if (upload) await upload.ready;
}
