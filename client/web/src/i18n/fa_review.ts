// The reviewer's screens in Persian (the report, the audit trail and
// verifying it); spread into ./fa. Typed by the English module, so a message
// left out fails to compile. Hashes, key ids and file formats stay Latin.
import type { review } from "./en_review";
import type { EventRef, FindingMessages } from "../verify/findings";
import type { EventPlace } from "../verify/export_format";
import { isolate, ltr, num, utcSeconds } from "./format";

/** «رویداد ۲۹ (SubmitCodings از bob، 2026-12-02 01:24:43 UTC)». */
function event(e: EventRef): string {
  const who = e.onBehalfOf ? `${isolate(e.actor)} به نیابت از ${isolate(e.onBehalfOf)}` : e.actor ? isolate(e.actor) : "";
  return `رویداد ${num(e.seq)} (${e.method ? ltr(e.method) : "رویدادی"} از ${who || "هیچ‌کس"}، ${ltr(utcSeconds(e.seconds))})`;
}

function place(p: EventPlace): string {
  return "line" in p ? `سطر ${num(p.line)}` : `پیام ${num(p.message)}، رویداد ${num(p.event)}`;
}

const iso = (ms: number): string => ltr(utcSeconds(ms / 1000));
const quoted = (text: string): string => `«${isolate(text)}»`;
const changedHere = "ردّ ممیزی در همین رویداد یا پس از آن تغییر کرده است";

const findings: FindingMessages = {
  chainIntact: (f) => `${num(f.events)} رویداد، هر یک با هشش به رویداد پیش از خود پیوسته`,
  unreadable: (f) => `رویداد ${num(f.seq)} (${place(f.place)}) خوانا نیست: بایت‌هایش آسیب دیده‌اند (${ltr(f.reason)}): ${changedHere}`,
  outOfPlace: (f) => `در ${place(f.place)} رویداد ${num(f.seq)} می‌بایست باشد، اما بایت‌هایش ${event(f.found)} است: رویدادی حذف، افزوده، تکرار یا جابه‌جا شده است`,
  otherProject: (f) => `${event(f.event)} از آنِ پروژهٔ ${quoted(f.project)} است، نه ${quoted(f.expected)}`,
  firstPrevHash: (f) => `${event(f.event)}: ${ltr("prev_hash")} آن ۳۲ بایت صفر نیست، در حالی که رویداد نخست باید چنین باشد`,
  notLinked: (f) => `${event(f.event)} در پی رویداد ${num(f.event.seq - 1)} نمی‌آید: ${ltr("prev_hash")} آن هشِ آن رویداد نیست (رویدادی پیش از آن تغییر کرده، یا همین رویداد)`,
  hashMismatch: (f) => `${event(f.event)} با هش خود نمی‌خواند: ${changedHere}`,
  shownPrevHash: (f) => `${event(f.event)}: ${ltr("prev_hash")} نمایش‌داده‌شده با آنچه در بایت‌های هش‌شدهٔ آن است فرق دارد`,
  leafHash: (f) => `${event(f.event)}: ${ltr("leaf_hash")} آن برابر ${ltr("SHA-256(0x00 || event bytes)")} نیست`,
  listedAs: (f) => `${event(f.event)} با شمارهٔ رویداد ${num(f.listed)} فهرست شده است`,
  shownDiffers: (f) => `${event(f.event)}: آنچه ردّ ممیزی نشان می‌دهد همان نیست که هش شده است (${ltr(f.field)} در نمایش ${quoted(f.shown)} است و در بایت‌های هش‌شده ${quoted(f.hashed)})`,
  noHead: () => "برون‌بُرد در پایانش سرِ امضاشده ندارد (آیا نیمه‌کاره بریده شده است؟)",
  signed: (f) => `امضاشده با کلید ${ltr(f.keyId)} در ${iso(f.timestampMs)}`,
  headFormat: (f) => `قالب سر ${ltr(f.format)} است، نه ${ltr(f.expected)}`,
  badSignature: () => "امضای سر با این کلید عمومی تأیید نمی‌شود (سر تغییر کرده، یا سرور دیگری آن را امضا کرده است)",
  otherKey: (f) => `سر کلید ${ltr(f.named)} را نام می‌برد، نه این کلید عمومی (${ltr(f.keyId)})`,
  noRoot: () => "ریشهٔ امضاشده‌ای برای مقایسه نیست",
  chainBroken: () => "وارسی نشد: زنجیره گسسته است",
  headProject: (f) => `سر برای پروژهٔ ${quoted(f.head)} است و رویدادها برای ${quoted(f.events)}`,
  eventsMissing: (f) => `رویدادهایی کم است: سرِ امضاشده ${num(f.covered)} رویداد را در بر می‌گیرد و برون‌بُرد ${num(f.count)} رویداد دارد`,
  notCovered: (f) => `رویداد ${num(f.covered + 1)} و پس از آن در سرِ امضاشده نیستند؛ سر تنها ${num(f.covered)} رویداد را در بر می‌گیرد`,
  rootMismatch: () => "ریشهٔ مرکل رویدادها ریشهٔ امضاشده نیست: رویدادها بازنویسی و دوباره زنجیر شده‌اند",
  root: (f) => `ریشهٔ ${ltr(f.root)} روی ${num(f.events)} رویداد`,
  keptBadSignature: () => "امضای سرِ نگه‌داشته با این کلید عمومی تأیید نمی‌شود",
  keptProject: (f) => `سرِ نگه‌داشته برای پروژهٔ ${quoted(f.kept)} است و برون‌بُرد برای ${quoted(f.events)}`,
  shrank: (f) => `سرِ نگه‌داشته ${num(f.covered)} رویداد را در بر می‌گیرد و برون‌بُرد تنها ${num(f.count)} رویداد: ردّ ممیزی کوتاه‌تر شده است`,
  keptRewritten: (f) => `${num(f.covered)} رویداد نخست برون‌بُرد ریشهٔ سرِ نگه‌داشته را ندارند: ردّ ممیزی پیش از سرِ نگه‌داشته بازنویسی شده است`,
  grew: (f) => `${num(f.covered)} رویداد نخست همان‌هایی‌اند که سرِ نگه‌داشتهٔ ${iso(f.timestampMs)} امضا کرده است: ردّ ممیزی از آن پس تنها بلندتر شده است`,
};

export const reviewFa: typeof review = {
  report: {
    heading: "گزارش اعتمادپذیری",
    what: "گزارش",
    download: "دریافت:",
    formats: {
      HTML: "HTML (برای چاپ)",
      MARKDOWN: "Markdown",
      LATEX: "جدول LaTeX",
      CSV: "جدول CSV",
      JSON: "JSON",
    },
    headTitle: "ساخته‌شده از سرِ امضاشدهٔ ردّ ممیزی",
    project: "پروژه",
    generated: "زمان ساخت",
    events: "رویدادها",
    rootHash: "هش ریشه",
    keyId: "شناسهٔ کلید",
    verifyHead: "وارسی امضای سر",
    checkTrail: "سنجیدن ردّ ممیزی با این سر",
    headSigned: (keyId: string) => `امضاشده با کلید سرور \u2066${keyId}…\u2069`,
    headNotSigned: "امضا با کلید سرور تأیید نمی‌شود.",
    headOk: "سرِ گزارش با کلید سرور امضا شده است.",
    headBad: "سرِ گزارش تأیید نمی‌شود.",
    trailOk: "ردّ ممیزی تأیید می‌شود و سرِ گزارش را در بر دارد.",
    verifying: "و وارسی ردّ ممیزی",
    team: "گروه",
    teamCaption: "اعضا، نقش‌ها و کدگذاری‌های فرستاده‌شده",
    member: "عضو",
    role: "نقش",
    codingsSubmitted: "کدگذاری‌های فرستاده‌شده",
    rounds: "دورها",
    codebook: (revision: number | string) => `کتاب کد (نسخهٔ ${num(revision)})`,
    codes: (n: number) => `${num(n)} کد. تغییرها همان‌گونه که ردّ ممیزی ثبت کرده است:`,
    changes: "تغییرهای کتاب کد",
    event: "رویداد",
    when: "زمان",
    who: "کننده",
    change: "چه تغییری",
    verifyYourself: "وارسی به دست خودتان",
    round: (title: string) => `دور ${title}`,
    blind: "نابینا",
    notBlind: "غیرنابینا",
    documents: (n: number) => `${num(n)} سند`,
    coders: (names: string) => `کدگذاران: ${names}`,
    revision: (n: number | string) => `نسخهٔ ${num(n)} کتاب کد`,
    noAgreement: "هنوز توافقی محاسبه نشده است.",
    agreementOf: (round: string) => `توافق دور ${round}`,
    agreementCaption: (units: number, bootstrap: number | null) =>
      `توافق برای هر کد، ${num(units)} واحد${bootstrap !== null ? `، ${num(bootstrap)} تکرار بوت‌استرپ` : ""}`,
    code: "کد",
    overall: "کل",
    disagreements: (disagreements: number, resolved: number) =>
      `${num(disagreements)} اختلاف، ${num(resolved)} حل‌شده.`,
    pairs: (coefficient: string) => ` جفت‌های کدگذار (${coefficient}): `,
    resolutions: (n: number) => `تصمیم‌ها (${num(n)})`,
    resolution: (code: string, document: string, segment: number | string, by: string) =>
      `${code} در ${document}، بخش ${typeof segment === "number" ? num(segment) : segment} به کار می‌رود: تصمیم ${by} — `,
    references: "منابع",
  },
  audit: {
    heading: "ردّ ممیزی",
    signedHead: "سرِ امضاشده",
    whatHead: "سرِ امضاشده",
    events: "رویدادها",
    signed: "زمان امضا",
    rootHash: "هش ریشه",
    signature: "امضا",
    keyId: "شناسهٔ کلید",
    publicKey: "کلید عمومی سرور",
    checkSignature: "وارسی امضا در همین مرورگر",
    signatureValid: "امضا برای این کلید معتبر است.",
    signatureInvalid: "امضا تأیید نمی‌شود.",
    verifyWhole: "وارسی کل ردّ ممیزی",
    verifyWhat: " (زنجیره، ریشه و امضا).",
    filters: "پالایش رویدادها",
    actor: "کننده",
    anyone: "هر کسی",
    action: "کنش",
    any: "هر کنشی",
    from: "از",
    to: "تا",
    shown: (shown: number, loaded: number, more: boolean, filtered: boolean) =>
      `${num(shown)} از ${num(loaded)} رویداد بارگیری‌شده${filtered ? " با پالایش‌ها جور است" : ""}${more ? " (رویدادهای بیشتری روی سرور هست)" : " (همه)"}.`,
    caption: (project: string) => `رویدادهای ${project}، قدیمی‌ترین نخست`,
    time: "زمان (UTC)",
    whatItDid: "چه کرد",
    onBehalfOf: (who: string) => ` از سوی ${who}`,
    whatEvents: "رویدادها",
    loadMore: (n: number) => `بارگیری ${num(n)} رویداد دیگر`,
    loadAll: "بارگیری همه",
    export: "برون‌بُرد",
    exportText: [
      "همهٔ رویدادها با بایت‌های هش‌شده‌شان، و سری که دقیقاً روی همان‌ها امضا شده: آنچه بازبین نگه می‌دارد و اینجا یا با ",
      " وارسی می‌کند.",
    ],
    downloadExport: "دریافت برون‌بُرد",
  },
  verification: {
    checks: {
      chain: "زنجیرهٔ هش",
      signature: "امضای سر (Ed25519)",
      merkle: "ریشهٔ مرکل (RFC 9162)",
      kept: "سرِ گزارش",
    },
    verified: (events: number, project: string) =>
      `تأیید شد: ${num(events)} رویداد پروژهٔ ${project}، زنجیره و ریشهٔ مرکل دست‌نخورده، سر امضاشده با کلید`,
    notVerified: (why: string) => `تأیید نشد: ${why}`,
    findings,
    passed: "درست",
    failed: "نادرست",
    notChecked: "وارسی‌نشده",
  },
  verifyScreen: {
    heading: "وارسی ردّ ممیزی",
    intro: [
      "هر تغییر در این پروژه رویدادی در یک زنجیرهٔ هش است؛ سرور ریشهٔ مرکل همهٔ رویدادها را با کلید Ed25519 خود امضا می‌کند. مرورگر شما همهٔ این‌ها را همین‌جا وارسی می‌کند، بی‌آنکه به پاسخ سرور اعتماد کند: همان وارسی‌های ",
      ".",
    ],
    trail: "ردّ ممیزی",
    verifyServer: "وارسی برون‌بُرد سرور",
    serverExport: "برون‌بُرد کنونی سرور",
    orFile: ["یا یک پروندهٔ برون‌بُرد را وارسی کنید (JSON همین صفحه، یا \u2066.jsonl\u2069 فرمان ", ")"],
    verifying: (source: string) => `و وارسی ${source}`,
    resultFor: (source: string) => `نتیجه برای ${source}`,
    keyTitle: "کلید عمومی سرور",
    whatKey: "کلید عمومی",
    algorithm: "الگوریتم",
    keyId: "شناسهٔ کلید",
    compare: ["شناسهٔ کلید را با آنچه به شما داده‌اند مقایسه کنید (گزارش، یا ", "): کلیدی که از همین سرور گرفته شود کمتر از کلیدی که خودتان نگه داشته‌اید گواهی می‌دهد."],
    useOwn: "به‌جای آن، کلید عمومی‌ای را که نگه داشته‌ام به کار ببر",
    ownKey: "کلید عمومی (PEM)",
    keyNotLoaded: "کلید عمومی سرور هنوز بارگیری نشده است.",
    notExport: (why: string) => `این پرونده را نمی‌توان برون‌بُرد icr خواند: ${why}.`,
    badKey: (why: string) => `این کلید عمومی را نمی‌توان به کار برد: ${why}.`,
    verified: (events: number) => `تأیید شد: ${num(events)} رویداد.`,
  },
};
