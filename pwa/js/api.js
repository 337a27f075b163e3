// Talking to the Caremon API with the httpOnly session cookies the server sets at login.
// Tokens never reach JavaScript storage: only the readable CSRF cookies are used, as the
// double-submit header on unsafe requests.

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** First field message, for showing under a form. */
  fieldMessage() {
    const fields = this.details?.fields || {};
    const [name, messages] = Object.entries(fields)[0] || [];
    return name ? `${name}: ${[].concat(messages).flat().join(" ")}` : this.message;
  }
}

import { lang, t } from "./i18n.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const AUTH_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh"];

export function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

export function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") u.searchParams.set(key, value);
  }
  return u.pathname + u.search;
}

let refreshing = null;

/** Swap the refresh cookie for a new access cookie; one refresh at a time however many requests failed. */
export function refreshSession() {
  refreshing ??= (async () => {
    try {
      const csrf = cookie("csrf_refresh_token");
      if (!csrf) return false;
      const res = await fetch("/api/v1/auth/refresh", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRF-TOKEN": csrf, Accept: "application/json" },
      });
      return res.ok;
    } catch {
      return false;
    } finally {
      setTimeout(() => { refreshing = null; }, 0);
    }
  })();
  return refreshing;
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const e = body?.error || {};
  return new ApiError(res.status, e.code || "http_error", e.message || res.statusText || t("shell.request_failed"),
    e.details || {});
}

/**
 * Whether this browser holds a session: the readable CSRF cookies live exactly as long as their tokens
 * (the server sets them with the tokens' max-age), so no request is needed to know, and none is made to fail.
 */
export function hasSession() {
  return Boolean(cookie("csrf_access_token") || cookie("csrf_refresh_token"));
}

/**
 * One API call, with messages in the reader's language. Throws ApiError; status 0 with code "offline" when
 * the network is unreachable. An access cookie that has expired is renewed first from the refresh cookie;
 * one the server refuses anyway is refreshed once and the call repeated.
 */
export async function request(method, path, { body, query, as = "json", retry = true, file } = {}) {
  if (retry && !AUTH_PATHS.includes(path) && !cookie("csrf_access_token") && cookie("csrf_refresh_token")) {
    await refreshSession();
  }
  const headers = { Accept: as === "json" ? "application/json" : "*/*", "Accept-Language": lang() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  // A FormData body sets its own multipart type and boundary.
  if (file !== undefined && !(file instanceof FormData)) headers["Content-Type"] = file.type || "application/octet-stream";
  if (UNSAFE.has(method)) {
    const csrf = cookie("csrf_access_token");
    if (csrf) headers["X-CSRF-TOKEN"] = csrf;
  }
  let res;
  try {
    res = await fetch(url(path, query), {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError(0, "offline", t("shell.no_connection"));
  }
  if (res.status === 401 && retry && !AUTH_PATHS.includes(path)) {
    const err = await errorFrom(res);
    if (["token_expired", "unauthorized", "invalid_token"].includes(err.code) && (await refreshSession())) {
      return request(method, path, { body, query, as, retry: false, file });
    }
    window.dispatchEvent(new CustomEvent("caremon:signed-out"));
    throw err;
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return null;
  if (as === "response") return res;
  return res.json();
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body = {}) => request("POST", path, { body });
export const put = (path, body = {}) => request("PUT", path, { body });
export const patch = (path, body = {}) => request("PATCH", path, { body });
/** Send a file (a Blob, typed as the file is) or a multipart FormData as the whole body. */
export const postFile = (path, file, query) => request("POST", path, { file, query });

/** Every page of a cursor-paged list. */
export async function getAll(path, query = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...query, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Download a file response and hand it to the browser as a named file. */
export async function download(path, query, fallbackName) {
  const res = await request("GET", path, { query, as: "response" });
  const disposition = res.headers.get("Content-Disposition") || "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return { name, size: blob.size };
}
