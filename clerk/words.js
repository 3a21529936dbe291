// Words of the clerk and guide consoles, and the server's refusal codes said plainly.

import { extendWords, t } from "/common/hallq.js";

extendWords({
  zh: {
    "console.title": "窗口工作台",
    "console.switch": "切换窗口",
    "console.pick": "请选择您的窗口",
    "console.current": "当前号码",
    "console.queue": "等候队列",
    "console.tally": "今日工作量",
    "console.none": "暂无",
    "console.nobody": "暂无等候的客户",
    "console.idle": "按 F1 呼叫下一位",
    "act.call": "呼叫下一位",
    "act.recall": "重呼",
    "act.no_show": "过号",
    "act.finish": "办结",
    "act.transfer": "转移",
    "act.pause": "暂停服务",
    "act.resume": "恢复服务",
    "act.open": "开始服务",
    "act.start": "开始办理",
    "done.call": "已呼叫 {number}",
    "done.recall": "已重呼 {number}",
    "done.no-show": "{number} 已过号",
    "done.finish": "{number} 已办结",
    "done.transfer": "{number} 已转移",
    "done.start": "{number} 开始办理",
    "done.pause": "窗口已暂停服务",
    "done.resume": "窗口已恢复服务",
    "done.auto_no_show": "{number} 叫号超时，已自动过号",
    "fact.issued": "取号",
    "fact.waited": "等候",
    "fact.called": "叫号",
    "fact.phone": "手机",
    "fact.recalls": "重呼",
    "fact.clerk": "经办",
    "mark.priority": "优先",
    "mark.front": "已置顶",
    "mark.transferred": "转入",
    "mark.to_window": "→{n}号窗口",
    "reason.key_customer": "重点客户",
    "reason.elderly_disabled": "老年·残障",
    "reason.urgent": "急事急办",
    "advice.no_show": "已重呼 {n} 次，客户仍未到，建议过号（F3）",
    "advice.auto": "{s} 秒后自动过号 · 客户到达请按 开始办理（F7）",
    "tally.served": "办结",
    "tally.no_show": "过号",
    "tally.average": "平均办理",
    "tally.ratings": "评价",
    "rating.very_satisfied": "非常满意",
    "rating.satisfied": "满意",
    "rating.dissatisfied": "不满意",
    "rating.last": "{number} 评价：{score}",
    "transfer.title": "转移当前号码",
    "transfer.to_service": "转到业务（重新排队，保留号码）",
    "transfer.to_window": "转到指定窗口（一窗受理，后台办理）",
    "transfer.cancel": "取消 (Esc)",
    duration: "{m}分{s}秒",
    seconds: "{s}秒",
    "err.window_paused": "窗口已暂停，请先恢复服务（F6）",
    "err.window_closed": "窗口未开放，请先开始服务（F6）",
    "err.no_current_ticket": "当前没有正在办理的号码",
    "err.not_your_window": "您没有绑定这个窗口",
    "err.forbidden": "您的账号无权进行此操作",
    "err.race": "该号刚被其他窗口叫走，请再按一次",
    "err.already_started": "已经开始办理",
    "err.offline": "服务器暂时无法连接，操作未执行，请稍后再试",
    "err.not_waiting": "该号已不在等候中",
    "err.already_front": "该号已置顶",
    "err.cap_reached": "该业务今日号已取完",
    "err.hall_closed": "非营业时间，暂停取号",
    "err.no_window_open": "该业务暂无窗口办理",
    "err.inactive": "该业务暂停办理",
    "err.bad_phone": "手机号格式不正确（11位手机号）",
  },
  en: {
    "console.title": "Clerk console",
    "console.switch": "Switch window",
    "console.pick": "Choose your window",
    "console.current": "Current ticket",
    "console.queue": "Waiting",
    "console.tally": "My day",
    "console.none": "None",
    "console.nobody": "Nobody is waiting",
    "console.idle": "Press F1 to call the next customer",
    "act.call": "Call next",
    "act.recall": "Recall",
    "act.no_show": "No-show",
    "act.finish": "Finish",
    "act.transfer": "Transfer",
    "act.pause": "Pause",
    "act.resume": "Resume",
    "act.open": "Open window",
    "act.start": "Customer here",
    "done.call": "Called {number}",
    "done.recall": "Called {number} again",
    "done.no-show": "{number} passed",
    "done.finish": "{number} finished",
    "done.transfer": "{number} transferred",
    "done.start": "Serving {number}",
    "done.pause": "Window paused",
    "done.resume": "Window open",
    "done.auto_no_show": "{number} did not come in time and was passed",
    "fact.issued": "Taken",
    "fact.waited": "Waited",
    "fact.called": "Called",
    "fact.phone": "Phone",
    "fact.recalls": "Recalls",
    "fact.clerk": "Clerk",
    "mark.priority": "Priority",
    "mark.front": "Moved to front",
    "mark.transferred": "Transferred",
    "mark.to_window": "→ window {n}",
    "reason.key_customer": "Key customer",
    "reason.elderly_disabled": "Elderly / disabled",
    "reason.urgent": "Urgent",
    "advice.no_show": "Called {n} times and still not here: consider No-show (F3)",
    "advice.auto": "Passed automatically in {s} s · press Customer here (F7) when they come",
    "tally.served": "Finished",
    "tally.no_show": "No-shows",
    "tally.average": "Average handling",
    "tally.ratings": "Ratings",
    "rating.very_satisfied": "Very satisfied",
    "rating.satisfied": "Satisfied",
    "rating.dissatisfied": "Dissatisfied",
    "rating.last": "{number} rated: {score}",
    "transfer.title": "Transfer the current ticket",
    "transfer.to_service": "To a service (queues again, same number)",
    "transfer.to_window": "To a named window (back-office handling)",
    "transfer.cancel": "Cancel (Esc)",
    duration: "{m}m {s}s",
    seconds: "{s}s",
    "err.window_paused": "The window is paused: resume it first (F6)",
    "err.window_closed": "The window is closed: open it first (F6)",
    "err.no_current_ticket": "There is no current ticket",
    "err.not_your_window": "You are not bound to this window",
    "err.forbidden": "Your account may not do that",
    "err.race": "That ticket was just taken by another window: press again",
    "err.already_started": "Already being served",
    "err.offline": "The server cannot be reached; nothing was done. Try again shortly.",
    "err.not_waiting": "That ticket is no longer waiting",
    "err.already_front": "Already at the front",
    "err.cap_reached": "All of today's numbers for this service are taken",
    "err.hall_closed": "Outside opening hours",
    "err.no_window_open": "No window is open for this service",
    "err.inactive": "This service is not offered now",
    "err.bad_phone": "Enter an 11-digit mobile number",
  },
});

/** What to tell staff when the server refuses: our words for known codes, else the server's. */
export function refusal(err) {
  const key = `err.${err.code}`;
  const said = t(key);
  return said === key ? err.message : said;
}

/** Fill every element with a data-word attribute in the current language. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-word]")) el.textContent = t(el.dataset.word);
}

/** "42秒" or "3分05秒" from seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("seconds", { s });
  return t("duration", { m: Math.floor(s / 60), s: String(s % 60).padStart(2, "0") });
}

/** A small element with text and classes. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}
