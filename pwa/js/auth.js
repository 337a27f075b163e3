// Who is signed in. The session lives in httpOnly cookies; only the profile (name, role) is kept
// on the device so the app can open offline.
import * as api from "./api.js";
import { t } from "./i18n.js";
import { cached, forget, keep } from "./idb.js";

export const HOME = {
  worker: "/worker",
  coordinator: "/coordinator",
  provider_admin: "/admin",
  family: "/family",
  council_officer: "/council",
};

/** A role in words, in the reader's language: ROLE_NAMES.worker is "Care worker" or "Gweithiwr gofal". */
export const ROLE_NAMES = Object.fromEntries(Object.keys(HOME).map((role) => [role, undefined]));
for (const role of Object.keys(ROLE_NAMES)) {
  Object.defineProperty(ROLE_NAMES, role, { get: () => t(`auth.role_${role}`), enumerable: true });
}

export async function login(email, password) {
  const body = await api.post("/api/v1/auth/login", { email, password });
  await keep("me", body.user);
  return body.user;
}

/** The signed-in user: from the server when it answers, else the copy kept on this device; nobody, without
 * asking, when this browser holds no session (so a first visit makes no request bound to fail). */
export async function currentUser() {
  if (!api.hasSession()) {
    await forget("me");
    return null;
  }
  try {
    const me = await api.get("/api/v1/auth/me");
    await keep("me", me);
    return me;
  } catch (err) {
    if (err.status === 0) return (await cached("me"))?.data || null;
    if (err.status === 401) await forget("me");
    return null;
  }
}

export async function logout() {
  try {
    await api.post("/api/v1/auth/logout", {});
  } finally {
    await forget("me");
  }
}
