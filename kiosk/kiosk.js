// The ticket kiosk (取号机): choose a service, read what to bring (一次性告知), take a number,
// print the ticket. Made for touch alone: no hover, no keyboard, and customers who may never
// have used a screen. The server decides what may be issued; this page shows it.
//
// Address: /kiosk/?hall=main[&kiosk=k1][&print=browser|off][&paper=80|58][&lang=en][&large=1]
//          [&ticket_seconds=20][&idle_seconds=60]
// kiosk=k1 prints through the server on the printer HALLQ_PRINTERS names k1; without it the
// browser prints (start Chromium with --kiosk --kiosk-printing for silent printing).

import { api, clockTime, connectHall, param, setLang, t } from "/common/hallq.js";
import { printTicket, renderTicket } from "/common/ticket.js";
import "/kiosk/words.js";

const HALL = param("hall", "main");
const KIOSK = param("kiosk");
const PRINT = KIOSK ? "server" : param("print", "browser");
const PAPER = param("paper", "80");
const DEFAULT_LANG = param("lang", "zh");
const DEFAULT_LARGE = param("large") === "1";
const TICKET_SECONDS = Number(param("ticket_seconds", 20));
const IDLE_SECONDS = Number(param("idle_seconds", 60));
// A second tap of a double tap lands on whatever the next screen put under the finger.
const TAP_GUARD_MS = 600;

const $ = (id) => document.getElementById(id);
const screens = ["home", "confirm", "keypad", "issued"];

let hall = null; // the hall as the last snapshot showed it
let linkStatus = "connecting";
let online = false;
let link = null;
let chosen = null; // the service being confirmed
let requestId = null; // one per confirm: a retry after a timeout gets the same ticket back
let phone = "";
let typed = "";
let busy = false;
let settle = null;
let ticket = null;
let idleTimer = null;
let countdown = null;
let large = DEFAULT_LARGE;

// ---- screens and words ----

function show(name, { settling = true } = {}) {
  for (const s of screens) $(s).classList.toggle("hidden", s !== name);
  // For a moment the new screen takes no taps: the second tap of a double tap, or an
  // impatient one, must not press whatever the new screen put under the finger.
  clearTimeout(settle);
  for (const s of screens) $(s).classList.toggle("settling", settling && s === name);
  if (settling) settle = setTimeout(() => $(name).classList.remove("settling"), TAP_GUARD_MS);
  clearInterval(countdown);
  armIdle();
}

function current() {
  return screens.find((s) => !$(s).classList.contains("hidden"));
}

function applyWords() {
  for (const node of document.querySelectorAll("[data-word]")) node.textContent = t(node.dataset.word);
  $("large-toggle").textContent = t(large ? "large_off" : "large_on");
  document.documentElement.classList.toggle("large", large);
  drawBanner();
  drawHall();
  if (chosen) drawChosen();
  drawPhone();
  if (ticket && current() === "issued") {
    drawTicket();
    fitTicket();
  }
}

function setLanguage(code) {
  setLang(code);
  document.documentElement.dataset.lang = code;
  applyWords();
}

function newRequestId() {
  // crypto.randomUUID() needs https; a kiosk on the hall's LAN is plain http.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function serviceName(s) {
  return document.documentElement.dataset.lang === "en" ? [s.name_en || s.name, s.name] : [s.name, s.name_en];
}

// ---- back to the start by itself ----

function armIdle() {
  clearTimeout(idleTimer);
  if (current() !== "home" && current() !== "issued") idleTimer = setTimeout(goHome, IDLE_SECONDS * 1000);
}

function goHome() {
  chosen = null;
  requestId = null;
  phone = "";
  typed = "";
  ticket = null;
  large = DEFAULT_LARGE;
  setLanguage(DEFAULT_LANG); // the next customer starts as the hall set the kiosk up
  show("home");
}

document.addEventListener("pointerdown", () => armIdle(), { capture: true });
document.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press opens nothing

// ---- the hall, live ----

function byCode(code) {
  return hall && hall.services.find((s) => s.code === code);
}

function setStatus(status) {
  linkStatus = status;
  online = status === "online";
  document.body.classList.toggle("offline", !online);
  drawBanner();
  drawHall();
}

function drawBanner() {
  const banner = $("banner");
  banner.textContent = linkStatus === "not_found" ? t("hall_missing", { hall: HALL }) : t("server_down");
  banner.classList.toggle("hidden", online || linkStatus === "connecting");
}

function drawHall() {
  const box = $("services");
  if (!hall) return;
  const en = document.documentElement.dataset.lang === "en";
  $("hall-name").textContent = en && hall.name_en ? hall.name_en : hall.name;
  $("hall-name-other").textContent = en ? hall.name : hall.name_en;
  const services = hall.services.filter((s) => s.active);
  const codes = services.map((s) => s.code).join();
  if (box.dataset.codes !== codes) {
    // Buttons are made once per layout and updated in place: a live update must never
    // replace the button under a finger in the middle of a tap.
    box.replaceChildren(...services.map(makeServiceButton));
    box.dataset.codes = codes;
  }
  for (const s of services) drawServiceButton(box.querySelector(`[data-code="${s.code}"]`), s);
}

function makeServiceButton(s) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "service";
  button.dataset.code = s.code;
  for (const part of ["code", "name", "name-other", "state"]) {
    const span = document.createElement("span");
    span.className = part;
    button.append(span);
  }
  button.addEventListener("click", () => choose(button.dataset.code));
  return button;
}

function drawServiceButton(button, s) {
  const [name, other] = serviceName(s);
  button.querySelector(".code").textContent = s.code;
  button.querySelector(".name").textContent = name;
  button.querySelector(".name-other").textContent = other || "";
  const open = s.available && online;
  button.querySelector(".state").textContent = s.available
    ? t("waiting_n", { n: s.waiting })
    : t(`closed.${s.closed_reason}`);
  button.disabled = !open;
  button.classList.toggle("closed", !s.available);
}

function onSnapshot(snapshot) {
  hall = snapshot.hall;
  drawHall();
  if (chosen) drawChosen();
}

function onEvent(event) {
  if (!hall) return;
  if (event.waiting) {
    for (const s of hall.services) if (s.code in event.waiting) s.waiting = event.waiting[s.code];
  }
  // Availability is the server's to decide: when it may have changed, ask for the hall again.
  const capped = event.type === "ticket.issued" && byCode(event.ticket.service)?.daily_cap != null;
  if (event.type === "window.updated" || capped) link.send({ type: "resync" });
  drawHall();
  if (chosen) drawChosen();
}

// ---- choose, read what to bring, confirm ----

function choose(code) {
  const s = byCode(code);
  if (!s || !s.available || !online || current() !== "home") return;
  chosen = code;
  requestId = newRequestId();
  phone = "";
  $("confirm-error").classList.add("hidden");
  $("take").disabled = false;
  $("take").textContent = t("take");
  drawChosen();
  drawPhone();
  show("confirm");
}

function drawChosen() {
  const s = byCode(chosen);
  if (!s) return;
  const en = document.documentElement.dataset.lang === "en";
  $("chosen-code").textContent = s.code;
  $("chosen-name").textContent = serviceName(s)[0];
  $("chosen-waiting").textContent = s.available ? t("waiting_n", { n: s.waiting }) : t(`closed.${s.closed_reason}`);
  const docs = en && s.documents_en.length ? s.documents_en : s.documents;
  const list = $("documents");
  list.replaceChildren(
    ...(docs.length ? docs : [t("no_documents")]).map((d) => {
      const item = document.createElement("li");
      item.textContent = d;
      return item;
    }),
  );
}

async function take() {
  if (busy || !chosen) return;
  busy = true;
  const button = $("take");
  button.disabled = true; // one ticket per confirm: the first tap is the only one
  button.textContent = t("taking");
  $("confirm-error").classList.add("hidden");
  try {
    const body = { service: chosen, request_id: requestId };
    if (phone) body.phone = phone;
    ticket = await api(`/api/halls/${encodeURIComponent(HALL)}/tickets`, { method: "POST", body });
    showTicket();
  } catch (err) {
    refused(err);
  } finally {
    busy = false;
  }
}

function refused(err) {
  const box = $("confirm-error");
  const button = $("take");
  button.textContent = t("take");
  if (err.code === "offline" || err.status >= 500) {
    // Nothing is known to be issued: the same request_id on the next try cannot make two.
    box.textContent = t("issue_offline");
    button.disabled = false;
  } else if (err.status === 409 && t(`closed.${err.code}`) !== `closed.${err.code}`) {
    box.textContent = t("issue_failed", { why: t(`closed.${err.code}`) });
    link.send({ type: "resync" });
  } else {
    box.textContent = t("issue_failed", { why: err.message });
    button.disabled = err.code === "bad_phone" ? false : button.disabled;
  }
  box.classList.remove("hidden");
}

// ---- the phone number (optional) ----

function masked(number) {
  return `${number.slice(0, 3)}****${number.slice(7)}`;
}

function grouped(digits) {
  return [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].filter(Boolean).join(" ");
}

function drawPhone() {
  $("phone-open").classList.toggle("hidden", Boolean(phone));
  $("phone-chosen").classList.toggle("hidden", !phone);
  $("phone-shown").textContent = phone ? t("phone_shown", { phone: masked(phone) }) : "";
  $("phone-digits").textContent = typed ? grouped(typed) : t("phone_placeholder");
  $("phone-digits").classList.toggle("empty", !typed);
}

function openKeypad() {
  typed = phone;
  $("phone-error").classList.add("hidden");
  drawPhone();
  show("keypad");
}

function makeKeys() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete"];
  $("keys").replaceChildren(
    ...keys.map((key) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = /\d/.test(key) ? "key" : "key word";
      button.dataset.key = key;
      if (/\d/.test(key)) button.textContent = key;
      else button.dataset.word = key;
      button.addEventListener("click", () => press(key));
      return button;
    }),
  );
}

function press(key) {
  if (key === "clear") typed = "";
  else if (key === "delete") typed = typed.slice(0, -1);
  else if (typed.length < 11) typed += key;
  $("phone-error").classList.add("hidden");
  drawPhone();
}

function acceptPhone() {
  // The server checks it again; here only so the customer hears at once that a digit is missing.
  if (!/^1[3-9]\d{9}$/.test(typed)) {
    $("phone-error").textContent = t("phone_bad");
    $("phone-error").classList.remove("hidden");
    return;
  }
  phone = typed;
  drawPhone();
  show("confirm");
}

// ---- the ticket ----

function drawTicket() {
  renderTicket($("ticket"), ticket, hall, { lang: document.documentElement.dataset.lang, paper: PAPER });
  $("reminder").textContent = phone ? t("phone_shown", { phone: masked(phone) }) : "";
  $("reminder").classList.toggle("hidden", !phone);
}

function fitTicket() {
  // A hall with long document lists, or large-text mode: shrink the ticket until all of it,
  // number to QR code, is on the screen at once. Nobody should have to scroll a ticket.
  const view = $("ticket");
  const slip = view.firstElementChild;
  if (!slip || current() !== "issued") return;
  slip.style.fontSize = "";
  let size = parseFloat(getComputedStyle(slip).fontSize);
  while (slip.offsetHeight > view.clientHeight && size > 9) {
    size *= 0.94;
    slip.style.fontSize = `${size}px`;
  }
}

function showTicket() {
  drawTicket();
  show("issued");
  fitTicket();
  printNow();
  let left = TICKET_SECONDS;
  const done = $("done");
  done.textContent = t("done_in", { n: left });
  countdown = setInterval(() => {
    left -= 1;
    done.textContent = t("done_in", { n: left });
    if (left <= 0) goHome();
  }, 1000);
}

function printStatus(text, failed = false) {
  $("print-status").textContent = text;
  $("print-status").classList.toggle("error", failed);
  $("reprint").classList.toggle("hidden", !failed);
}

async function printNow() {
  if (PRINT === "off" || !ticket) return printStatus("");
  printStatus(t("printing"));
  const printing = ticket;
  try {
    if (PRINT === "server") {
      await api(`/api/tickets/${encodeURIComponent(printing.token)}/print`, {
        method: "POST",
        body: { kiosk: KIOSK },
        timeout: 15000,
      });
    } else {
      await printTicket(printing, hall, { lang: document.documentElement.dataset.lang, paper: PAPER });
    }
    if (ticket === printing) printStatus(t("printed"));
  } catch (err) {
    const why = t(err.code) !== err.code ? t(err.code) : err.code === "offline" ? t("printer_offline") : err.message;
    if (ticket === printing) printStatus(t("print_failed", { why }), true);
  }
}

// ---- start ----

$("lang-toggle").addEventListener("click", () => {
  setLanguage(document.documentElement.dataset.lang === "en" ? "zh" : "en");
});
$("large-toggle").addEventListener("click", () => {
  large = !large;
  applyWords();
});
$("back").addEventListener("click", goHome);
$("take").addEventListener("click", take);
$("phone-open").addEventListener("click", openKeypad);
$("phone-change").addEventListener("click", openKeypad);
$("phone-remove").addEventListener("click", () => {
  phone = "";
  drawPhone();
});
$("phone-cancel").addEventListener("click", () => show("confirm"));
$("phone-ok").addEventListener("click", acceptPhone);
$("done").addEventListener("click", goHome);
$("reprint").addEventListener("click", printNow);

function tick() {
  $("clock").textContent = clockTime(new Date().toISOString(), hall ? hall.timezone : undefined);
}

window.addEventListener("resize", fitTicket);
makeKeys();
setLanguage(DEFAULT_LANG);
show("home", { settling: false });
tick();
setInterval(tick, 10000);
link = connectHall(HALL, {
  onSnapshot,
  onEvent,
  onStatus: setStatus,
});
// Opening hours pass with the clock, not with an event: look at the hall again each minute.
setInterval(() => link.send({ type: "resync" }), 60000);
