// Shared by every HallQ page: API calls, the live feeds with reconnect-and-resync, and words.
// The browser shows; the server decides. Nothing here knows a rule of the hall.

export class ApiError extends Error {
  constructor(status, detail, code) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  return "request refused";
}

/** Call the API. Resolves with the JSON body (null for 204); rejects with ApiError. */
export async function api(path, { method = "GET", body, token, signal, timeout = 8000 } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const timer = new AbortController();
  const stop = setTimeout(() => timer.abort(), timeout);
  if (signal) signal.addEventListener("abort", () => timer.abort());
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: timer.signal,
    });
  } catch (err) {
    throw new ApiError(0, "the server cannot be reached", "offline");
  } finally {
    clearTimeout(stop);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, detailText(data && data.detail), (data && data.code) || "error");
  }
  return data;
}

/** The signed-in staff session of this browser tab (clerk, guide, manager consoles). */
export const staffSession = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem("hallq.session") || "null");
    } catch {
      return null;
    }
  },
  set(value) {
    sessionStorage.setItem("hallq.session", JSON.stringify(value));
  },
  clear() {
    sessionStorage.removeItem("hallq.session");
  },
};

const BACKOFF = [500, 1000, 2000, 4000, 5000];
const PING_EVERY = 15000;
const SILENCE_LIMIT = 35000;

function wsUrl(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}`;
}

/**
 * Keep a websocket open: reconnect with backoff, ping to notice a dead link, report status.
 * onMessage(msg, socket) gets each parsed message; onStatus("connecting"|"online"|"offline").
 */
function keepOpen(path, { onMessage, onStatus = () => {}, onOpen = () => {} }) {
  let socket = null;
  let attempt = 0;
  let closed = false;
  let pinger = null;
  let lastHeard = Date.now();
  let retry = null;

  function connect() {
    if (closed) return;
    onStatus(attempt === 0 ? "connecting" : "offline");
    socket = new WebSocket(wsUrl(path));
    socket.onopen = () => {
      attempt = 0;
      lastHeard = Date.now();
      onOpen(socket);
      pinger = setInterval(() => {
        if (Date.now() - lastHeard > SILENCE_LIMIT) socket.close();
        else if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
      }, PING_EVERY);
    };
    socket.onmessage = (event) => {
      lastHeard = Date.now();
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === "pong") return;
      onMessage(msg, socket);
    };
    socket.onclose = (event) => {
      clearInterval(pinger);
      if (closed) return;
      if (event.code === 4404) {
        onStatus("not_found");
        return;
      }
      onStatus("offline");
      const base = BACKOFF[Math.min(attempt, BACKOFF.length - 1)];
      attempt += 1;
      retry = setTimeout(connect, base + Math.random() * 250);
    };
  }
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(pinger);
      if (socket) socket.close();
    },
    send(obj) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(obj));
    },
  };
}

/**
 * Follow a hall live. onSnapshot(snapshot) on (re)connect and after any gap; onEvent(event) for
 * each change in seq order; onStatus as in keepOpen ("online" once a snapshot arrived).
 */
export function connectHall(hall, { onSnapshot, onEvent, onStatus = () => {} }) {
  let seq = null;
  const link = keepOpen(`/ws/halls/${encodeURIComponent(hall)}`, {
    onStatus,
    onOpen: () => {
      seq = null;
    },
    onMessage(msg, socket) {
      // A message is one event, or an array of consecutive events that were ready together.
      for (const one of Array.isArray(msg) ? msg : [msg]) {
        if (one.type === "snapshot") {
          seq = one.seq;
          onStatus("online");
          onSnapshot(one);
          continue;
        }
        if (seq === null || one.seq <= seq) continue; // before the snapshot, or already seen
        if (one.seq !== seq + 1) {
          // A gap: something was missed. The server sends a fresh snapshot.
          seq = null;
          socket.send('{"type":"resync"}');
          return;
        }
        seq = one.seq;
        onEvent(one);
      }
    },
  });
  return link;
}

/** Follow one ticket by its private token (the phone page). */
export function connectTicket(token, { onTicket, onStatus = () => {} }) {
  return keepOpen(`/ws/tickets/${encodeURIComponent(token)}`, {
    onStatus,
    onMessage(msg) {
      if (msg.type === "ticket") {
        onStatus("online");
        onTicket(msg.ticket);
      }
    },
  });
}

// Words shared by several screens. Each page adds its own with extendWords().
const WORDS = {
  zh: {
    offline: "网络连接中断，正在重新连接…",
    connecting: "正在连接…",
    server_down: "服务器暂时无法连接，请稍候或联系工作人员",
    not_found: "未找到",
    "closed.inactive": "暂停办理",
    "closed.hall_closed": "非营业时间，暂停取号",
    "closed.cap_reached": "今日号已取完",
    "closed.no_window_open": "暂无窗口办理",
    "status.waiting": "等候中",
    "status.called": "请前往窗口",
    "status.done": "已办结",
    "status.no_show": "已过号",
    "status.cancelled": "已取消",
    "window.open": "服务中",
    "window.paused": "暂停服务",
    "window.closed": "未开放",
    waiting_n: "等候 {n} 人",
    ahead_n: "前方等待 {n} 人",
    window_n: "{n}号窗口",
    call_text: "请{number}号到{window}号窗口办理",
  },
  en: {
    offline: "Connection lost, reconnecting…",
    connecting: "Connecting…",
    server_down: "The server cannot be reached. Please wait or ask a member of staff.",
    not_found: "Not found",
    "closed.inactive": "Not available",
    "closed.hall_closed": "Closed: outside opening hours",
    "closed.cap_reached": "All of today's numbers are taken",
    "closed.no_window_open": "No window open",
    "status.waiting": "Waiting",
    "status.called": "Please go to the window",
    "status.done": "Done",
    "status.no_show": "Missed",
    "status.cancelled": "Cancelled",
    "window.open": "Serving",
    "window.paused": "Paused",
    "window.closed": "Closed",
    waiting_n: "{n} waiting",
    ahead_n: "{n} ahead of you",
    window_n: "Window {n}",
    call_text: "Ticket {number}, please go to window {window}",
  },
};

export function extendWords(extra) {
  for (const lang of Object.keys(extra)) Object.assign((WORDS[lang] ||= {}), extra[lang]);
}

let currentLang = "zh";

export function setLang(lang) {
  currentLang = WORDS[lang] ? lang : "zh";
  document.documentElement.lang = currentLang === "zh" ? "zh-CN" : "en";
}

export function lang() {
  return currentLang;
}

/** A word in the current language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = (WORDS[currentLang] && WORDS[currentLang][key]) ?? WORDS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Local time of day (HH:MM) of an ISO timestamp, in the hall's time zone. */
export function clockTime(iso, timeZone = "Asia/Shanghai") {
  return new Date(iso).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone });
}

/** The value of a query parameter of this page's address. */
export function param(name, fallback = null) {
  return new URLSearchParams(location.search).get(name) ?? fallback;
}
