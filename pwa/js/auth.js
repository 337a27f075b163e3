// Who is signed in. The session lives in httpOnly cookies; only the profile (name, role) is kept
// on the device so the app can open offline.
import * as api from "./api.js";
import { cached, forget, keep } from "./idb.js";

export const HOME = {
  worker: "/worker",
  coordinator: "/coordinator",
  provider_admin: "/admin",
  family: "/family",
  council_officer: "/council",
};

export const ROLE_NAMES = {
  worker: "Care worker",
  coordinator: "Coordinator",
  provider_admin: "Provider admin",
  family: "Family",
  council_officer: "Council officer",
};

export async function login(email, password) {
  const body = await api.post("/api/v1/auth/login", { email, password });
  await keep("me", body.user);
  return body.user;
}

/** The signed-in user: from the server when it answers, else the copy kept on this device. */
export async function currentUser() {
  // No session cookie and no profile on this device: nobody is signed in here, and asking would only put a 401
  // in the console. With a profile kept (a worker's phone offline), the server is asked as before.
  if (!api.cookie("csrf_access_token") && !api.cookie("csrf_refresh_token") && !(await cached("me"))) return null;
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
