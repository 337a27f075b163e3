// How many of families' messages to the office nobody has read yet: a badge on the roster's Messages button and
// on the message log's "From families" tab, so the office notices them.
import * as api from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

export async function loadUnread() {
  return (await api.get("/api/v1/family-messages", { unread: true })).length;
}

/** The count for a button or tab, read out as "3 unread"; nothing when there is none. */
export function unreadBadge(n) {
  return n ? h("span", { class: "count unread-badge" }, String(n),
    h("span", { class: "visually-hidden" }, ` ${t("coord.messages.family.unreadCount", { n })}`)) : null;
}
