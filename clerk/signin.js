// Sign-in for the staff screens of this folder (the clerk console and the guide console):
// the form, the session kept for this tab, and what happens when the server says 401.

import { api, extendWords, staffSession, t } from "/common/hallq.js";

extendWords({
  zh: {
    "signin.title": "工作人员登录",
    "signin.username": "用户名",
    "signin.password": "密码",
    "signin.submit": "登录",
    "signin.busy": "正在登录…",
    "signin.expired": "登录已失效（过期或已在别处退出），请重新登录",
    "signin.wrong": "用户名或密码错误",
    "signin.locked": "登录失败次数过多，请稍后再试",
    "signin.other_hall": "该账号不属于本大厅",
    logout: "退出登录",
  },
  en: {
    "signin.title": "Staff sign-in",
    "signin.username": "Username",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.busy": "Signing in…",
    "signin.expired": "Your session has ended (expired or signed out elsewhere). Please sign in again.",
    "signin.wrong": "Wrong username or password",
    "signin.locked": "Too many failed sign-ins; try again later",
    "signin.other_hall": "This account belongs to another hall",
    logout: "Sign out",
  },
});

/**
 * Show the sign-in form until someone signs in; resolves with the session
 * {token, hall, username, display_name, role, windows}. `message` is shown above the form.
 */
export function signIn(form, { hall, message = "" }) {
  const note = form.querySelector(".signin-note");
  const button = form.querySelector("button[type=submit]");
  note.textContent = message;
  form.classList.remove("hidden");
  form.elements.username.focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const username = form.elements.username.value.trim();
      const password = form.elements.password.value;
      if (!username || !password) return;
      button.disabled = true;
      note.textContent = t("signin.busy");
      try {
        const login = await api("/api/auth/login", { method: "POST", body: { username, password } });
        const me = await api("/api/auth/me", { token: login.access_token });
        if (me.hall && me.hall !== hall) {
          await api("/api/auth/logout", { method: "POST", token: login.access_token }).catch(() => {});
          note.textContent = t("signin.other_hall");
          return;
        }
        const session = { token: login.access_token, hall, ...me };
        staffSession.set(session);
        form.elements.password.value = "";
        form.classList.add("hidden");
        resolve(session);
      } catch (err) {
        note.textContent =
          err.status === 401 ? t("signin.wrong") : err.status === 429 ? t("signin.locked") : err.message;
      } finally {
        button.disabled = false;
      }
    };
  });
}

/** The session of this tab for this hall, if any. */
export function currentSession(hall) {
  const session = staffSession.get();
  return session && session.hall === hall && session.token ? session : null;
}

/** This tab's session for the hall, brought up to date by the server; null once it has expired. */
export async function checkedSession(hall) {
  const session = currentSession(hall);
  if (!session) return null;
  try {
    return { ...session, ...(await api("/api/auth/me", { token: session.token })) };
  } catch (err) {
    return err.status === 401 ? null : session; // offline: keep it, the next call will tell
  }
}

/** End the session on the server (best effort) and in this tab. */
export async function signOut(session) {
  staffSession.clear();
  if (session) await api("/api/auth/logout", { method: "POST", token: session.token }).catch(() => {});
}
