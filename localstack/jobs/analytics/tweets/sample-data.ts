/**
 * The material the sample tweets are built from, each entry with what it must yield written beside it by hand
 * (never computed with the pipeline's rules): user names with the name the users table must show, hashtag topics
 * with their counter key and spellings, sentences in many scripts that mention no tracked keyword, and the
 * keyword spellings and near misses the tracker must tell apart.
 */

/** A user name as posted, and the name the users table must keep (emoji removed; "No name" when none is left). */
export const USER_NAMES: ReadonlyArray<readonly [posted: string, expected: string]> = [
  ["Ana López", "Ana López"],
  ["Ana López 😷", "Ana López"],
  ["🇫🇷 Marie Dubois", "Marie Dubois"],
  ["Jürgen Müller ❤️", "Jürgen Müller"],
  ["Олег Петров🔥", "Олег Петров"],
  ["Наталья ✨ Иванова", "Наталья Иванова"],
  ["محمد علي 🌙", "محمد علي"],
  ["فاطمة", "فاطمة"],
  ["山田太郎🌸", "山田太郎"],
  ["さくら 🍡", "さくら"],
  ["李伟", "李伟"],
  ["김민준 💙", "김민준"],
  ["👩🏽‍💻 Priya Sharma", "Priya Sharma"],
  ["Γιώργος 🏛️", "Γιώργος"],
  ["Zoë O'Brien", "Zoë O'Brien"],
  ["😷😷", "No name"],
  ["🇧🇷🇵🇹", "No name"],
  ["👨‍👩‍👧‍👦", "No name"],
  ["דוד כהן", "דוד כהן"],
  ["Nguyễn Văn An 🙏", "Nguyễn Văn An"],
  ["สมชาย 🐘", "สมชาย"],
  ["Team #️⃣1", "Team 1"],
];

export interface Topic {
  /** The counter key the pipeline must use (written by hand: case-folded, NFKC). */
  readonly key: string;
  /** Spellings; the first is the one the sample uses most, so it is the display form the counter must keep. */
  readonly spellings: readonly string[];
}

/** The ten busiest hashtags, busiest first; the sample uses each exactly as many times as `TOP_USES` says. */
export const TOP_TOPICS: readonly Topic[] = [
  { key: "stayhome", spellings: ["StayHome", "stayhome", "STAYHOME", "ＳｔａｙＨｏｍｅ"] },
  { key: "covid19", spellings: ["COVID19", "Covid19", "covid19"] },
  { key: "коронавирус", spellings: ["коронавирус", "Коронавирус", "КОРОНАВИРУС"] },
  { key: "quédateencasa", spellings: ["QuédateEnCasa", "quédateencasa", "QUÉDATEENCASA"] },
  { key: "كورونا", spellings: ["كورونا", "ﻛﻮﺭﻭﻧﺎ"] },
  { key: "新冠肺炎", spellings: ["新冠肺炎"] },
  { key: "コロナ", spellings: ["コロナ", "ｺﾛﾅ"] },
  { key: "flattenthecurve", spellings: ["FlattenTheCurve", "flattenthecurve", "FLATTENTHECURVE"] },
  { key: "restezchezvous", spellings: ["RestezChezVous", "restezchezvous"] },
  { key: "코로나19", spellings: ["코로나19"] },
];
export const TOP_USES = [412, 377, 341, 306, 274, 239, 205, 178, 151, 127] as const;

/** The long tail: each used `TAIL_USES[i % TAIL_USES.length]` times, all fewer than the tenth topic. */
export const TAIL_TOPICS: readonly Topic[] = [
  { key: "wfh", spellings: ["WFH", "wfh"] },
  { key: "handwashing", spellings: ["HandWashing", "handwashing"] },
  { key: "socialdistancing", spellings: ["SocialDistancing"] },
  { key: "lockdown", spellings: ["Lockdown", "lockdown", "LOCKDOWN"] },
  { key: "ärzte", spellings: ["Ärzte", "ÄRZTE"] },
  { key: "самоизоляция", spellings: ["самоизоляция"] },
  { key: "الصحة", spellings: ["الصحة"] },
  { key: "在家", spellings: ["在家"] },
  { key: "おうち時間", spellings: ["おうち時間"] },
  { key: "flu", spellings: ["Flu", "flu"] },
  { key: "vaccine", spellings: ["Vaccine", "vaccine"] },
  { key: "masks4all", spellings: ["Masks4All", "masks4all"] },
  { key: "teletrabajo", spellings: ["Teletrabajo"] },
  { key: "ευχαριστώ", spellings: ["Ευχαριστώ", "ευχαριστώ"] },
  { key: "bleibtzuhause", spellings: ["BleibtZuHause", "bleibtzuhause"] },
  { key: "nhs", spellings: ["NHS", "nhs"] },
  { key: "สู้โควิด", spellings: ["สู้โควิด"] },
  { key: "אנחנו_בבית", spellings: ["אנחנו_בבית"] },
];
export const TAIL_USES = [96, 81, 64, 52, 40, 33, 21, 12, 7, 3, 1] as const;

/** Only ever in a quoted tweet: a quote counts its own hashtags, so this key must never be counted. */
export const QUOTED_ONLY: Topic = { key: "quotedonly", spellings: ["QuotedOnly"] };

/** Sentences that mention no tracked keyword, in many scripts, emoji included. */
export const SENTENCES: readonly string[] = [
  "Stay safe everyone 😷",
  "Day 12 of working from the kitchen table ☕",
  "Reste chez toi, s'il te plaît 🙏",
  "Quédate en casa y cuida a los tuyos ❤️",
  "Bleibt gesund, Leute!",
  "Берегите себя и близких 🙏",
  "ابقوا في منازلكم",
  "大家注意安全，勤洗手 🧼",
  "みんな気をつけてね🌸",
  "모두 조심하세요 😷",
  "Μείνετε σπίτι 🏠",
  "Lavez-vous les mains 🧼🧼",
  "Grocery run done, masks on 👍",
  "Thank you nurses and doctors 👏👏",
  "อยู่บ้านกันนะ",
  "Ficar em casa é um ato de amor 💚",
  "Coronation Street is on tonight 📺",
  "The virus of boredom strikes again 🥱",
];

/** The tracked keywords (the default `sluice:trackedKeywords`) and how the sample writes them. */
export const KEYWORD_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  "corona virus": ["corona virus", "Corona Virus", "CORONA VIRUS", "corona  virus", "Corona\nvirus"],
  "COVID-19": ["COVID-19", "covid-19", "Covid-19", "ＣＯＶＩＤ－１９", "COVID-19😷"],
  pandemic: ["pandemic", "Pandemic", "PANDEMIC", "pandemic's", "#pandemic"],
};

/** Close to a keyword and not one: the tracker must not count tweets that only say these. */
export const NEAR_MISSES: readonly string[] = [
  "covid-190",
  "covid-19s",
  "covid 19",
  "pandemics",
  "pandemical",
  "coronavirus",
  "corona-virus",
  "covid-19_uk",
];

/** Lines that are no countable tweet, each with the reason the hashtags stage must reject it for. */
export const MALFORMED: ReadonlyArray<readonly [line: string, reason: string]> = [
  ['{"created_at":"Sat Mar 14 09:00:00 +0000 2020","id_str":"1', "not-json"],
  ["this is not json at all", "not-json"],
  ['{"delete":{"status":{"id_str":"1238000000000000000","user_id_str":"1"}}}', "not-a-tweet"],
  ['{"limit":{"track":42,"timestamp_ms":"1584176400000"}}', "not-a-tweet"],
  ["[]", "not-a-tweet"],
  ['{"created_at":"Sat Mar 14 09:00:00 +0000 2020","id_str":"1238999999999999901","text":"no user"}', "invalid-tweet"],
  [
    '{"created_at":"Sat Mar 14 09:00:00 +0000 2020","id_str":1238999999999999902,"text":"numeric id","user":{"id_str":"9","name":"x","screen_name":"x","friends_count":1,"followers_count":1}}',
    "invalid-tweet",
  ],
  [
    '{"created_at":"Sat Mar 14 09:00:00 +0000 2020","id_str":"1238999999999999903","text":"bad counts","user":{"id_str":"9","name":"x","screen_name":"x","friends_count":-3,"followers_count":1}}',
    "invalid-tweet",
  ],
  [
    '{"created_at":"2020-03-14T09:00:00Z","id_str":"1238999999999999904","text":"ISO date","user":{"id_str":"9","name":"x","screen_name":"x","friends_count":1,"followers_count":1}}',
    "bad-created-at",
  ],
  [
    '{"created_at":"Sun Mar 14 09:00:00 +0000 2020","id_str":"1238999999999999905","text":"wrong weekday","user":{"id_str":"9","name":"x","screen_name":"x","friends_count":1,"followers_count":1}}',
    "bad-created-at",
  ],
];
