// A provider's own KPIs (coordinators and provider admins): the same reports the council reads, scoped
// by the server to this provider's contracts, with a contract filter for providers working for several councils.
import { field, h, options } from "../dom.js";
import { contractsFor, renderKpiDesk } from "../kpi-desk.js";

export async function render(main) {
  const contracts = await contractsFor(main);
  if (!contracts) return;
  const contract = h("select", {}, h("option", { value: "" }, "All our contracts"),
    options(contracts.map((c) => [c.id, `${c.reference} – ${c.council_name}`])));
  main.append(h("nav", { class: "toolbar", "aria-label": "Desk" }, h("a", { class: "btn", href: "#/coordinator" }, "Back to today's roster")));
  await renderKpiDesk(main, {
    title: "Our KPIs: punctuality, delivery and continuity",
    filters: contracts.length > 1 ? [field("Contract", contract)] : [],
    query: () => ({ contract_id: contract.value }),
  });
}
