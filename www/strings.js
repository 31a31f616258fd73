// The page's own strings (its header, instance choice, token prompt and paste panel), in English
// and Chinese; the task view's strings are the element's (dcs-tasks/element).
import { applyStatic as applyStrings, fill, LANGS, pickLang } from "./pkg/elements/i18n.js";

const STRINGS = {
  en: {
    "app.title": "DCS background tasks",
    "app.subtitle": "Huawei Cloud DCS task history, through the edge proxy",
    "lang.label": "Language",
    "form.query": "Instance",
    "nav.label": "Views",
    "nav.tasks": "Tasks",
    "nav.fleet": "All instances",
    "picker.none": "No instance has this name: press Enter to use it as an ID.",
    "picker.more": "{n} more: type more of a name, an ID, a status or an engine.",
    "form.instance": "Instance",
    "form.instance.placeholder": "a name or an ID, e.g. dcs-orders-cache",
    "form.show": "Show tasks",
    "token.title": "Proxy token",
    "token.help": "If the edge proxy is protected by a token (PROXY_TOKEN), enter it here. It is sent as Authorization: Bearer, never put in the address, and kept only in this tab.",
    "token.label": "Token",
    "token.use": "Use token",
    "token.remember": "Remember for this tab",
    "token.forget": "Forget the token",
    "token.required": "The proxy asks for its token: {reason}",
    "token.rejected": "The proxy refused this token: {reason}",
    "token.reason.TOKEN_REQUIRED": "it answers only this machine unless PROXY_TOKEN is set on it, and then only callers that send that token.",
    "token.reason.UNAUTHORIZED": "it is not the proxy's PROXY_TOKEN.",
    "token.inUse": "A token is in use (this page only).",
    "token.remembered": "A token is in use (remembered for this tab).",
    "token.none": "No token is set.",
    "dev.link": "Developer: parse a pasted response",
    "paste.title": "Paste a response",
    "paste.help": "Paste the JSON body of a ListBackgroundTask response: it is parsed by the package (parseListTasksResponse) exactly as the client parses live responses.",
    "paste.label": "Response body (JSON)",
    "paste.strict": "Strict mode (every quirk is an error)",
    "paste.parse": "Parse",
    "paste.seed": "Fill in the official example",
    "paste.clear": "Clear",
    "paste.warnings": "Warnings ({n})",
    "paste.noWarnings": "No warnings: the body matches the schema.",
    "paste.result": "Normalized result: {n} task(s), task_count {count}",
    "paste.json": "Normalized JSON",
    "paste.error": "Not accepted",
    "warn.code": "Code",
    "warn.path": "Path",
    "warn.message": "Message",
    "load.failed": "Could not load the package",
  },
  zh: {
    "app.title": "DCS 后台任务",
    "app.subtitle": "经边缘代理查看华为云 DCS 实例的后台任务",
    "lang.label": "语言",
    "form.query": "实例",
    "nav.label": "视图",
    "nav.tasks": "任务",
    "nav.fleet": "全部实例",
    "picker.none": "没有这个名称的实例：按 Enter 将其作为 ID 使用。",
    "picker.more": "还有 {n} 个：请输入更多名称、ID、状态或引擎。",
    "form.instance": "实例",
    "form.instance.placeholder": "名称或 ID，例如 dcs-orders-cache",
    "form.show": "查询任务",
    "token.title": "代理令牌",
    "token.help": "如果边缘代理设置了令牌（PROXY_TOKEN），请在此输入。令牌以 Authorization: Bearer 发送，不会出现在地址中，只保留在当前标签页。",
    "token.label": "令牌",
    "token.use": "使用令牌",
    "token.remember": "在此标签页中记住",
    "token.forget": "清除令牌",
    "token.required": "代理要求提供令牌：{reason}",
    "token.rejected": "代理拒绝了此令牌：{reason}",
    "token.reason.TOKEN_REQUIRED": "除本机外，只有在代理设置了 PROXY_TOKEN 且请求携带该令牌时才会应答。",
    "token.reason.UNAUTHORIZED": "它不是代理的 PROXY_TOKEN。",
    "token.inUse": "正在使用令牌（仅本页面）。",
    "token.remembered": "正在使用令牌（已在此标签页中记住）。",
    "token.none": "未设置令牌。",
    "dev.link": "开发者：解析粘贴的响应",
    "paste.title": "粘贴响应",
    "paste.help": "粘贴 ListBackgroundTask 响应的 JSON 正文：由软件包（parseListTasksResponse）解析，与客户端解析实时响应完全相同。",
    "paste.label": "响应正文（JSON）",
    "paste.strict": "严格模式（任何不规范之处都报错）",
    "paste.parse": "解析",
    "paste.seed": "填入官方示例",
    "paste.clear": "清空",
    "paste.warnings": "警告（{n}）",
    "paste.noWarnings": "没有警告：正文符合定义。",
    "paste.result": "规范化结果：{n} 个任务，task_count 为 {count}",
    "paste.json": "规范化 JSON",
    "paste.error": "未通过解析",
    "warn.code": "代码",
    "warn.path": "路径",
    "warn.message": "说明",
    "load.failed": "无法加载程序包",
  },
};

let current = "en";

/** The language to start in: `?lang=`, then the browser's language (the elements' rule). */
export function initialLang(param, navigatorLanguages) {
  return pickLang(param, navigatorLanguages || []);
}

export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : "en";
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}

export const lang = () => current;

/** The string `key` with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  return fill(STRINGS[current][key] ?? STRINGS.en[key] ?? key, params);
}

/** Applies the strings to the page (`data-i18n`, `data-i18n-attr`: the elements' rule) and its title. */
export function applyStatic(root = document) {
  applyStrings(root, t);
  document.title = t("app.title");
}
