// A provider's own KPIs (coordinators and provider admins): the same reports the council reads, scoped
// by the server to this provider's contracts, with a contract filter for providers working for several councils.
import { field, h, options } from "../dom.js";
import { t } from "../i18n.js";
import { contractsFor, renderKpiDesk } from "../kpi-desk.js";

export async function render(main) {
  const contracts = await contractsFor(main);
  if (!contracts) return;
  const contract = h("select", {}, h("option", { value: "" }, t("reports.all_our_contracts")),
    options(contracts.map((c) => [c.id, `${c.reference} – ${c.council_name}`])));
  main.append(h("nav", { class: "toolbar", "aria-label": t("common.desk") }, h("a", { class: "btn", href: "#/coordinator" }, t("common.back_to_roster"))));
  await renderKpiDesk(main, {
    title: t("reports.our_kpis"),
    filters: contracts.length > 1 ? [field(t("reports.contract"), contract)] : [],
    query: () => ({ contract_id: contract.value }),
  });
}
