// The phone page (/t/{token}), opened from the ticket's QR code: this one ticket, live. How
// many are ahead, and once called, which window. It knows nothing of any other customer.

import { clockTime, connectTicket, extendWords, setLang, t } from "/common/hallq.js";

extendWords({
  zh: {
    other_lang: "English",
    page_title: "{number} · {state}",
    your_turn: "轮到您了",
    go_to: "请到 {window} 号窗口办理",
    wait_note: "请在等候区休息，留意大厅屏幕与语音叫号",
    next: "下一位就是您，请留意叫号",
    done_note: "业务已办结，感谢您的光临",
    no_show_note: "您的号已过号。如仍需办理，请找门口引导员",
    cancelled_note: "此号已取消。如需办理，请重新取号",
    issued_at: "取号时间 {time}",
    bring: "请带齐以下材料",
    missing: "找不到这张号票。请核对链接，或找工作人员。",
    live: "实时更新",
  },
  en: {
    other_lang: "中文",
    page_title: "{number} · {state}",
    your_turn: "It's your turn",
    go_to: "Please go to window {window}",
    wait_note: "Please wait in the waiting area and watch the hall screen",
    next: "You are next: please listen for your number",
    done_note: "All done. Thank you for coming",
    no_show_note: "Your number was passed. If you still need service, please ask the guide at the door",
    cancelled_note: "This number was cancelled. Please take a new one if you need service",
    issued_at: "Taken at {time}",
    bring: "Please have these ready",
    missing: "This ticket cannot be found. Please check the link or ask staff.",
    live: "Live",
  },
});

const $ = (id) => document.getElementById(id);
const token = decodeURIComponent(location.pathname.split("/")[2] || "");
let ticket = null;
let status = "connecting";
let language = navigator.language && !navigator.language.startsWith("zh") ? "en" : "zh";

function line(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

function nowBlock() {
  if (ticket.status === "waiting") {
    const ahead = line("ahead", t("ahead_n", { n: ticket.ahead }));
    return [ahead, line("note", t(ticket.ahead === 0 ? "next" : "wait_note"))];
  }
  if (ticket.status === "called") {
    const go = line("go", t("go_to", { window: ticket.window }));
    return [line("turn", t("your_turn")), go];
  }
  const notes = { done: "done_note", no_show: "no_show_note", cancelled: "cancelled_note" };
  return [line("state", t(`status.${ticket.status}`)), line("note", t(notes[ticket.status] || "wait_note"))];
}

function draw() {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  $("lang-toggle").textContent = t("other_lang");
  const labels = { connecting: "connecting", offline: "offline", online: "live" };
  $("status-line").textContent = status === "not_found" ? "" : t(labels[status] || "offline");
  $("status-line").className = `status-line ${status}`;
  $("missing").textContent = t("missing");
  $("missing").classList.toggle("hidden", status !== "not_found");
  if (!ticket) return;
  const en = language === "en";
  $("hall-name").textContent = ticket.hall_name;
  $("card").classList.remove("hidden");
  $("card").dataset.status = ticket.status;
  $("service").textContent = en ? `${ticket.service_name_en} · ${ticket.service_name}` : ticket.service_name;
  $("number").textContent = ticket.number;
  $("now").replaceChildren(...nowBlock());
  $("issued").textContent = t("issued_at", { time: clockTime(ticket.issued_at, ticket.timezone) });
  const docs = en && ticket.documents_en.length ? ticket.documents_en : ticket.documents;
  $("bring").classList.toggle("hidden", !docs.length || ticket.status !== "waiting");
  $("bring-title").textContent = t("bring");
  $("documents").replaceChildren(
    ...docs.map((d) => {
      const li = document.createElement("li");
      li.textContent = d;
      return li;
    }),
  );
  const state = ticket.status === "waiting" ? t("ahead_n", { n: ticket.ahead }) : t(`status.${ticket.status}`);
  document.title = t("page_title", { number: ticket.number, state });
}

function onTicket(next) {
  const calledNow = next.status === "called" && (!ticket || ticket.status !== "called" || ticket.window !== next.window);
  ticket = next;
  draw();
  // A phone in a pocket: a buzz when it is this customer's turn (where the browser allows it).
  if (calledNow && navigator.vibrate) navigator.vibrate([300, 150, 300]);
}

$("lang-toggle").addEventListener("click", () => {
  language = language === "en" ? "zh" : "en";
  setLang(language);
  draw();
});

setLang(language);
draw();
if (token) {
  connectTicket(token, {
    onTicket,
    onStatus(next) {
      status = next;
      draw();
    },
  });
} else {
  status = "not_found";
  draw();
}
