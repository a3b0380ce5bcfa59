// A study in Persian: a Persian codebook and three right-to-left interviews
// (Persian, Arabic with diacritics, Hebrew with points), each mixing in an
// English word, Latin and native digits, joiners and an emoji.
import type { IcrServer, Person } from "./harness";

const zwnj = "\u200c";

export const rtlDocuments = {
  fa: {
    id: "fa-01",
    title: "مصاحبه ۱ — مریم",
    lines: [
      "من در سال ۱۴۰۲ وارد دانشکده پزشکی شدم و منتورم را در هفته اول دیدم.",
      `همیشه با iPhone 15 او پیام می${zwnj}دادم، حتی ساعت 11 شب 🙂`,
      `بعد از امتحان${zwnj}ها با هم برنامه${zwnj}ای ریختیم و حالا خودم منتور دو دانشجوی سال اول هستم.`,
    ],
  },
  ar: {
    id: "ar-01",
    title: "مقابلة ١ — سارة",
    lines: [
      "السَّلَامُ عَلَيْكُمْ، قَابَلْتُ مُرْشِدِي فِي عَامِ ١٤٤٥ أَوَّلَ مَرَّةٍ.",
      "كَانَ يُرْسِلُ لِي عَلَى WhatsApp كُلَّ يَوْمٍ فِي السَّاعَةِ 9 صَبَاحًا 🙂",
      "وَالْآنَ أَنَا مُرْشِدٌ لِطَالِبَيْنِ فِي السَّنَةِ الْأُولَى.",
    ],
  },
  he: {
    id: "he-01",
    title: "ראיון 1 — נועה",
    lines: [
      "שָׁלוֹם, פָּגַשְׁתִּי אֶת הַמַּנְחֶה שֶׁלִּי בִּשְׁנַת 2021 בַּפַּעַם הָרִאשׁוֹנָה.",
      "הוּא שָׁלַח לִי הוֹדָעוֹת בְּ-Telegram כָּל בֹּקֶר בְּשָׁעָה 7 🙂",
      "עַכְשָׁו אֲנִי מַנְחֶה שְׁנֵי סְטוּדֶנְטִים בַּשָּׁנָה הָרִאשׁוֹנָה.",
    ],
  },
};

export function documentText(doc: { lines: string[] }): string {
  return doc.lines.join("\n");
}

export const persianCodebook: { id: string; name: string; parent?: string; definition: string; example?: string }[] = [
  { id: "support", name: "حمایت", definition: "چگونه منتور از دانشجو حمایت کرد." },
  {
    id: "avail",
    name: "در دسترس بودن",
    parent: "support",
    definition: "اینکه منتور برای دانشجو وقت داشت یا نه.",
    example: "همیشه در دسترس بود.",
  },
  { id: "advice", name: "راهنمایی", parent: "support", definition: "راهنمایی مشخصی که منتور داد (برنامه، پیشنهاد)." },
  { id: "feelings", name: "احساسات", definition: "احساسات شرکت‌کننده." },
  { id: "positive", name: "احساس مثبت", parent: "feelings", definition: "شادی، آسودگی، قدردانی یا اعتماد." },
  { id: "start", name: "آغاز رابطه", definition: "نخستین دیدار با منتور و آغاز دوره." },
  { id: "growth", name: "رشد فردی", definition: "تغییر شرکت‌کننده در طول زمان، مثلاً منتور شدن خودش." },
];

let count = 0;

/** A project with the Persian codebook, the three documents by line and an open round for `coders`. */
export async function createRtlStudy(
  server: IcrServer,
  people: { lead: Person; coders: Person[] },
): Promise<{ project: string; round: string }> {
  const project = `rtl${++count}`;
  await server.cli(["project", "create", project, "--title", "منتورینگ همتا در دانشکده پزشکی", "--description", "مصاحبه با دانشجویان سال اول."]);
  await server.cli(["member", "add", project, people.lead.id, "--role", "lead"]);
  for (const coder of people.coders) await server.cli(["member", "add", project, coder.id, "--role", "coder"]);
  for (const code of persianCodebook) {
    const args = ["code", "add", project, code.id, "--name", code.name, "--definition", code.definition];
    if (code.parent) args.push("--parent", code.parent);
    if (code.example) args.push("--example", code.example);
    await server.cli(args, people.lead.tokenFile);
  }
  const docs = Object.values(rtlDocuments);
  for (const d of docs) await server.addDocument(project, d.id, d.title, documentText(d), "line", people.lead.tokenFile);
  await server.cli(
    ["round", "create", project, "r1", "--docs", docs.map((d) => d.id).join(","), "--coders", people.coders.map((c) => c.id).join(","), "--title", "دور آزمایشی"],
    people.lead.tokenFile,
  );
  return { project, round: "r1" };
}
