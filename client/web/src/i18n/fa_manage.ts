// The lead's management screens in Persian (the codebook, the documents, the
// members and a new round); spread into ./fa. Typed by the English module,
// so a message left out fails to compile.
import type { manage } from "./en_manage";
import { num } from "./format";

// File extensions in a Persian sentence, each isolated left to right, so
// the list itself reads right to left (a bare ".txt، .docx" would be one
// left-to-right run, its items in the opposite order).
function extensions(names: string[], last = "، "): string {
  const isolated = names.map((e) => `\u2066.${e}\u2069`);
  return isolated.length < 2 ? isolated.join("") : `${isolated.slice(0, -1).join("، ")}${last}${isolated[isolated.length - 1]}`;
}
const readable = ["txt", "docx", "odt", "rtf", "html", "md", "pdf", "vtt", "srt"];

export const manageFa: typeof manage = {
  codebook: {
    heading: "کتاب کد",
    what: "کتاب کد",
    fields: {
      name: "نام",
      definition: "تعریف",
      inclusion_criteria: "معیارهای شمول",
      exclusion_criteria: "معیارهای عدم شمول",
      example: "نمونه",
    },
    id: "شناسه (کوتاه، بی‌فاصله)",
    under: "زیرِ",
    topLevel: "(بالاترین سطح)",
    groupingOnly: "فقط کدهای زیرش را دسته‌بندی می‌کند (کدگذاران نمی‌توانند آن را اعمال کنند)",
    add: "افزودن کد",
    save: "ذخیره",
    cancel: "انصراف",
    moveUnder: (name: string) => `جابه‌جایی «\u2068${name}\u2069» به زیرِ`,
    mergeInto: (name: string) => `ادغام «\u2068${name}\u2069» در`,
    mergeNote: "از این پس کدگذاری‌هایش از آنِ کد مقصد شمرده می‌شوند؛ ادغام در ردّ ممیزی ثبت می‌شود.",
    move: "جابه‌جایی",
    merge: "ادغام",
    edit: "ویرایش",
    editName: (name: string) => `ویرایش ${name}`,
    moveName: (name: string) => `جابه‌جایی ${name}`,
    mergeName: (name: string) => `ادغام ${name}`,
    groups: "دسته‌بندی",
    groupsTitle: "فقط کدهای زیرش را دسته‌بندی می‌کند: کدگذاران نمی‌توانند آن را اعمال کنند",
    revision: (n: number | string) => `نسخهٔ ${num(n)}`,
    saved: (name: string) => `${name} ذخیره شد.`,
    moved: (name: string, parent: string) =>
      parent ? `${name} به زیرِ ${parent} رفت.` : `${name} به بالاترین سطح رفت.`,
    merged: (name: string, into: string) => `${name} در ${into} ادغام شد.`,
    added: (name: string) => `${name} افزوده شد.`,
    summary: (active: number, merged: number, revision: string | undefined) =>
      `${num(active)} کد${merged > 0 ? `، ${num(merged)} ادغام‌شده` : ""} · نسخهٔ ${revision === undefined ? "…" : num(revision)} کتاب کد (هر تغییر نسخه‌ای تازه می‌سازد و در ردّ ممیزی ثبت می‌شود)`,
    find: "یافتن کد",
    none: "هنوز کدی نیست: نخستین کد را بیفزایید.",
    tree: "کتاب کد",
    mergedCodes: (n: number) => `کدهای ادغام‌شده (${num(n)})`,
    addTitle: "افزودن یک کد",
  },
  documents: {
    heading: "سندها",
    what: "سندها",
    segmentations: {
      SEGMENT_PARAGRAPH: "بندها (جداشده با سطر خالی)",
      SEGMENT_TURN: "نوبت‌های گفت‌وگو (سطرهای برچسب‌دار یا صداها)",
      SEGMENT_SENTENCE: "جمله‌ها",
      SEGMENT_LINE: "سطرها (هر سطر ناخالی)",
      SEGMENT_NONE: "کل سند به‌عنوان یک واحد",
    },
    segmentedAs: {
      SEGMENT_PARAGRAPH: "بند",
      SEGMENT_TURN: "نوبت گفت‌وگو",
      SEGMENT_SENTENCE: "جمله",
      SEGMENT_LINE: "سطر",
      SEGMENT_NONE: "بی‌بخش",
    },
    givenSegments: "بخش‌های داده‌شده",
    chooseFile: "نخست یک پرونده برگزینید.",
    unreadable: (file: string) =>
      `\u2068${file}\u2069: icr پرونده‌های ${extensions(readable, " و ")} را می‌خواند.`,
    notUtf8: (file: string) =>
      `\u2068${file}\u2069 متن UTF-8 نیست: آن را با رمزگذاری UTF-8 ذخیره کنید (در Word: ذخیره به‌عنوان، متن ساده، Unicode UTF-8) و دوباره بکوشید.`,
    uploaded: (id: string) => `${id} بارگذاری شد.`,
    none: "هنوز سندی نیست.",
    caption: (project: string) => `سندهای ${project}`,
    document: "سند",
    title: "عنوان",
    characters: "نویسه‌ها",
    units: "واحدها",
    segmentedBy: "بخش‌بندی بر پایهٔ",
    from: "منبع",
    fromFile: (format: string) => `پروندهٔ ${extensions([format])}`,
    fromText: "متن",
    upload: "بارگذاری سند",
    file: `پرونده (${extensions(readable)})`,
    id: "شناسه",
    unitsOfAnalysis: "واحدهای تحلیل",
    speakerPattern: "الگوی برچسب گوینده (اختیاری)",
    speakerPlaceholder: "پیش‌فرض: Interviewer:، P12:، Participant 3 —",
    speakerHelp:
      `عبارتی منظم که سطر هر گوینده با آن آغاز می‌شود؛ نخستین گروهش نام گوینده است. رونوشت‌های زمان‌دار (${extensions(["vtt", "srt"], " و ")}) به آن نیازی ندارند.`,
    submit: "بارگذاری",
  },
  members: {
    heading: "اعضا و نقش‌ها",
    what: "اعضا",
    roles: {
      CODER: "کدگذار: سندهای دورهای خودش را کدگذاری می‌کند",
      LEAD: "سرپرست: کتاب کد، سندها و دورها را مدیریت می‌کند؛ اختلاف‌ها را حل می‌کند",
      REVIEWER: "بازبین: گزارش و ردّ ممیزی را می‌خواند؛ چیزی را تغییر نمی‌دهد",
      OWNER: "مالک: هر کاری که سرپرست می‌کند، و مدیریت اعضا",
    },
    needUser: "شناسهٔ کاربری کسی را که می‌خواهید بیفزایید وارد کنید.",
    nowRole: (user: string, role: string, project: string) => `\u2068${user}\u2069 اکنون ${role} ${project} است.`,
    caption: (project: string) => `اعضای ${project}`,
    user: "کاربر",
    role: "نقش",
    addTitle: "افزودن عضو یا تغییر نقش",
    userId: "شناسهٔ کاربر",
    save: "ذخیره",
  },
  newRound: {
    heading: "دور تازه",
    what: "سندها و کدگذاران",
    legend: (legend: string, chosen: number, total: number) => `${legend} (${num(chosen)} از ${num(total)})`,
    all: "همه",
    needBoth: "دست‌کم یک سند و یک کدگذار برگزینید.",
    keepSpeaker: "نوبت‌های دست‌کم یک گوینده را به‌عنوان واحد نگه دارید.",
    created: (id: string) => `دور ${id} ساخته شد.`,
    id: "شناسه",
    title: "عنوان",
    documents: "سندها",
    coders: "کدگذاران (هر کدام همهٔ سندهای برگزیده را کدگذاری می‌کند)",
    speakers: "واحدها: نوبت‌های این گویندگان",
    speakersHelp:
      "تیک یک گوینده (مثلاً مصاحبه‌گر) را بردارید تا نوبت‌هایش از واحدها کنار گذاشته شود: آن‌گاه توافق، اختلاف‌ها و گزارش فقط نوبت‌های دیگران را می‌شمارند.",
    blind: "نابینا: تا دور باز است، هیچ کدگذاری کدگذاری‌های دیگران را نمی‌بیند (سرور این را تضمین می‌کند)",
    create: "ساختن دور",
  },
};
