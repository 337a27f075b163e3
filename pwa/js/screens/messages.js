// The coordinator's message log: what families and the on-call contact were sent on a day, delivered,
// waiting or failed, with the words they read; and, under #/messages/families, what families sent the office.
import * as api from "../api.js";
import { longDay, shortDay } from "../day-names.js";
import { h, message, replace } from "../dom.js";
import { t } from "../i18n.js";
import { loadUnread, showUnread, unreadBadge } from "../family-inbox.js";
import { icon } from "../icons.js";
import { addDays, formatTime, localDate } from "../time.js";

const STATES = ["all", "delivered", "pending", "failed", "suppressed"];
const GLYPHS = { delivered: "check", pending: "clock", failed: "alert", suppressed: "dash" };


function recipient(m) {
  const who = m.kind === "escalation" ? t("coord.messages.onCall") : m.recipient_name;
  return who ? `${who} (${m.recipient})` : m.recipient;
}

function item(m) {
  const when = m.state === "delivered" ? t("coord.messages.sentAt", { time: formatTime(m.sent_at) })
    : t("coord.messages.queuedAt", { time: formatTime(m.created_at) });
  return h("li", { class: `message-item state-${m.state}`, dataset: { messageId: m.id, state: m.state, kind: m.kind } },
    h("p", { class: "message-head" },
      h("span", { class: `message-state state-${m.state}` }, icon(GLYPHS[m.state] || "dash"), ` ${t(`coord.messages.state.${m.state}`)}`),
      " · ", t(`coord.messages.channel.${m.channel}`), " ", t("coord.messages.to", { who: recipient(m) }), " · ", when),
    h("p", {}, h("strong", {}, m.subject)),
    h("p", { class: "message-body" }, m.body),
    h("p", { class: "muted" }, t("coord.messages.about", { client: m.client_name, time: formatTime(m.visit_start) }),
      m.state === "failed" || m.state === "pending"
        ? ` · ${t("coord.messages.attempts", { n: m.attempts })}${m.last_error ? ` (${m.last_error})` : ""}` : ""));
}

const when = (iso) => t("coord.messages.family.when", { day: shortDay(new Date(iso)), time: formatTime(iso) });

function familyItem(m, markRead) {
  const unread = !m.read_at;
  const flag = h("span", { class: "message-state state-unread" }, icon("mail"),
    ` ${t("coord.messages.family.unread")}`);
  const attrs = { class: `message-item${unread ? " unread" : ""}`,
    dataset: { familyMessageId: m.id, read: String(!unread) } };
  return h("li", attrs,
    h("p", { class: "message-head" }, unread && [flag, " · "], h("strong", {}, m.client_name), " · ",
      t("coord.messages.family.from", { who: m.author_name }), " · ", when(m.created_at)),
    h("p", { class: "message-body" }, m.body),
    unread ? h("button", { class: "btn", type: "button", onClick: (e) => markRead(m, e.currentTarget) },
      icon("check"), t("coord.messages.family.markRead"))
      : h("p", { class: "muted" }, t("coord.messages.family.readAt", { when: when(m.read_at) })));
}

/** Families' messages to the office, newest first, unread ones marked until someone in the office reads them. */
async function renderFamilies(main) {
  const list = h("div", { "aria-live": "polite" });
  const note = h("div", { role: "status" });
  const badge = unreadBadge();

  async function markRead(m, button) {
    button.disabled = true;
    try {
      await api.post(`/api/v1/family-messages/${m.id}/read`);
      replace(note);
    } catch (err) {
      button.disabled = false;
      replace(note, message("error", err.status === 0 ? t("coord.desk.offline") : err.message));
      return;
    }
    await load();
  }

  async function load() {
    let items;
    try {
      items = await api.get("/api/v1/family-messages");
    } catch (err) {
      replace(list, message("error", err.status === 0 ? t("coord.desk.offline") : err.message));
      return;
    }
    showUnread(badge, items.filter((m) => !m.read_at).length);
    replace(list, items.length ? h("ul", { class: "plain-list messages" }, items.map((m) => familyItem(m, markRead)))
      : h("p", { class: "muted" }, t("coord.messages.family.none")));
  }

  main.append(h("div", { class: "messages-screen" },
    header(null, "families", badge),
    h("p", { class: "hint" }, t("coord.messages.family.hint")),
    note, list));
  await load();
}

/** Title, the day's navigation (for the sent log), the way back and the two views' tabs. */
function header(dayNav, view, badge) {
  const tab = (name, href, ...extra) => h("a", { class: `btn${name === view ? " btn--primary" : ""}`, href,
    "aria-current": name === view ? "page" : null }, t(`coord.messages.view.${name}`), ...extra);
  return [
    h("div", { class: "toolbar" },
      h("h1", {}, t("coord.messages.title")), dayNav, h("span", { class: "spacer" }),
      h("a", { class: "btn", href: "#/coordinator" }, t("coord.messages.back"))),
    h("nav", { class: "tabs", "aria-label": t("coord.messages.views") },
      tab("sent", "#/messages"), tab("families", "#/messages/families", badge)),
  ];
}

export async function render(main, { params = [] } = {}) {
  if (params[0] === "families") return renderFamilies(main);
  let day = localDate();
  const badge = unreadBadge();
  loadUnread().then((n) => showUnread(badge, n), () => {}); // the log below reports the server's trouble
  let state = "all";
  const list = h("div", { "aria-live": "polite" });
  const dayLabel = h("span", { class: "day-label" });
  const tabs = h("div", { class: "tabs", role: "group", "aria-label": t("coord.messages.filter") });

  async function load() {
    dayLabel.textContent = longDay(day);
    let answer;
    try {
      answer = await api.get("/api/v1/notify/messages", { date: day, state, limit: 500 });
    } catch (err) {
      replace(list, message("error", err.status === 0 ? t("coord.desk.offline") : err.message));
      return;
    }
    const total = Object.values(answer.counts).reduce((a, b) => a + b, 0);
    replace(tabs, STATES.map((s) => h("button", {
      class: `btn btn--small${s === state ? " btn--primary" : ""}`, type: "button", "aria-pressed": String(s === state),
      dataset: { state: s }, onClick: () => { state = s; load(); },
    }, `${t(`coord.messages.tab.${s}`)} (${s === "all" ? total : answer.counts[s]})`)));
    // Newest first: the message a coordinator is asked about is usually the latest.
    const items = [...answer.items].reverse();
    replace(list, items.length ? h("ul", { class: "plain-list messages" }, items.map(item))
      : h("p", { class: "muted" }, t(state === "all" ? "coord.messages.none" : "coord.messages.noneHere")));
  }

  const move = (n, label) => h("button", { class: "btn btn--small", type: "button", "aria-label": label,
    onClick: () => { day = addDays(day, n); load(); } }, n < 0 ? "‹" : "›");
  main.append(h("div", { class: "messages-screen" },
    header(h("span", { class: "day-nav" }, move(-1, t("coord.desk.previousDay")), dayLabel,
      move(1, t("coord.desk.nextDay"))), "sent", badge),
    h("p", { class: "hint" }, t("coord.messages.hint")),
    tabs, list));
  await load();
}
