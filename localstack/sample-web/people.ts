/**
 * Who the sample web knows about: fifty real, well-known people with their real Wikidata item ids
 * and English labels (scale 1), and generated people for larger scales.
 *
 * The Commons file names are made up (the bytes are generated pictures, not the real files) but
 * shaped like real ones: spaces, parentheses, a year, the odd lower-case first letter (the scraper
 * must upper-case it, as MediaWiki does) and non-ASCII letters (percent-encoded in the file URL).
 */
import type { Rng } from "./prng";

/** TMDB's `gender`: 0 not set, 1 female, 2 male, 3 non-binary. */
export type TmdbGender = 0 | 1 | 2 | 3;

export interface SamplePerson {
  /** As the pipeline's `celebrities` topic carries a person: item id, English label, occupations. */
  wikidataId: string;
  name: string;
  occupations: string[];
  gender: TmdbGender;
  /** TMDB's `known_for_department`. */
  department: "Acting" | "Directing" | "Writing" | "Sound" | "Production" | "Crew";
  /** Likely to be on TMDB (actors, musicians, directors); others are there only by chance. */
  screen: boolean;
  /** Commons file names for P18, without the `File:` prefix. */
  commons: string[];
}

type Row = [
  id: string,
  name: string,
  occupations: string,
  gender: TmdbGender,
  dept: SamplePerson["department"],
  screen: boolean,
  commons: string,
];

// prettier-ignore
const ROWS: Row[] = [
  [
    "Q42",
    "Douglas Adams",
    "novelist|screenwriter|playwright",
    2,
    "Writing",
    true,
    "Douglas adams portrait cropped.jpg",
  ],
  [
    "Q937",
    "Albert Einstein",
    "theoretical physicist|philosopher of science",
    2,
    "Crew",
    false,
    "Albert Einstein Head.jpg",
  ],
  ["Q7186", "Marie Curie", "physicist|chemist", 1, "Crew", false, "Marie Curie c1920.jpg"],
  ["Q1339", "Johann Sebastian Bach", "composer|organist", 2, "Sound", false, "Johann Sebastian Bach (1748).jpg"],
  ["Q254", "Wolfgang Amadeus Mozart", "composer|pianist", 2, "Sound", false, "wolfgang-amadeus-mozart 1.jpg"],
  ["Q255", "Ludwig van Beethoven", "composer|pianist", 2, "Sound", false, "Beethoven portrait 1820.jpg"],
  [
    "Q5582",
    "Vincent van Gogh",
    "painter|draughtsperson",
    2,
    "Crew",
    false,
    "Vincent van Gogh - Self-Portrait (1887).jpg",
  ],
  ["Q5593", "Pablo Picasso", "painter|sculptor|printmaker", 2, "Crew", false, "Pablo picasso 1.jpg"],
  ["Q762", "Leonardo da Vinci", "painter|engineer|scientist", 2, "Crew", false, "Leonardo self.jpg"],
  ["Q692", "William Shakespeare", "playwright|poet|actor", 2, "Writing", true, "Shakespeare (Chandos portrait).jpg"],
  [
    "Q935",
    "Isaac Newton",
    "physicist|mathematician|astronomer",
    2,
    "Crew",
    false,
    "Portrait of Sir Isaac Newton 1689.jpg",
  ],
  ["Q1035", "Charles Darwin", "naturalist|geologist|biologist", 2, "Crew", false, "Charles Darwin seated crop.jpg"],
  ["Q76", "Barack Obama", "politician|lawyer", 2, "Acting", true, "President Barack Obama.jpg"],
  ["Q91", "Abraham Lincoln", "politician|lawyer", 2, "Crew", false, "Abraham Lincoln O-77 matte collodion print.jpg"],
  [
    "Q23",
    "George Washington",
    "politician|military officer",
    2,
    "Crew",
    false,
    "Gilbert Stuart Williamstown Portrait of George Washington.jpg",
  ],
  ["Q1001", "Mahatma Gandhi", "lawyer|politician|activist", 2, "Crew", false, "Portrait Gandhi.jpg"],
  ["Q8023", "Nelson Mandela", "politician|lawyer|activist", 2, "Acting", true, "Nelson Mandela 1994.jpg"],
  ["Q9696", "John F. Kennedy", "politician", 2, "Acting", true, "John F. Kennedy White House portrait.jpg"],
  ["Q7259", "Ada Lovelace", "mathematician|computer scientist|writer", 1, "Crew", false, "Ada Lovelace portrait.jpg"],
  [
    "Q7251",
    "Alan Turing",
    "mathematician|computer scientist|cryptographer",
    2,
    "Crew",
    false,
    "Alan Turing Aged 16.jpg",
  ],
  ["Q2831", "Michael Jackson", "singer|dancer|songwriter", 2, "Sound", true, "Michael Jackson in 1988.jpg"],
  ["Q1203", "John Lennon", "singer|songwriter|guitarist", 2, "Sound", true, "John Lennon 1969 (cropped).jpg"],
  ["Q303", "Elvis Presley", "singer|actor", 2, "Acting", true, "Elvis Presley promoting Jailhouse Rock.jpg"],
  ["Q4616", "Marilyn Monroe", "actress|model|singer", 1, "Acting", true, "Marilyn Monroe - publicity 1953.jpg"],
  ["Q882", "Charlie Chaplin", "actor|film director|comedian", 2, "Acting", true, "Charlie Chaplin portrait.jpg"],
  [
    "Q2685",
    "Arnold Schwarzenegger",
    "actor|bodybuilder|politician",
    2,
    "Acting",
    true,
    "Arnold Schwarzenegger 2003.jpg",
  ],
  ["Q38111", "Leonardo DiCaprio", "actor|film producer", 2, "Acting", true, "Leonardo DiCaprio 2014.jpg"],
  ["Q37079", "Tom Cruise", "actor|film producer", 2, "Acting", true, "Tom Cruise by Gage Skidmore 2.jpg"],
  ["Q2263", "Tom Hanks", "actor|film producer|screenwriter", 2, "Acting", true, "tom Hanks 2016.jpg"],
  ["Q5879", "Johann Wolfgang von Goethe", "poet|novelist|playwright", 2, "Writing", false, "Goethe (Stieler 1828).jpg"],
  [
    "Q8016",
    "Winston Churchill",
    "politician|writer|military officer",
    2,
    "Acting",
    true,
    "Sir Winston Churchill - 19086236948.jpg",
  ],
  ["Q1268", "Frédéric Chopin", "composer|pianist", 2, "Sound", false, "Frédéric Chopin by Bisson 1849.jpg"],
  ["Q7243", "Leo Tolstoy", "novelist|writer|philosopher", 2, "Writing", false, "L.N.Tolstoy Prokudin-Gorsky.jpg"],
  [
    "Q991",
    "Fyodor Dostoevsky",
    "novelist|journalist|philosopher",
    2,
    "Writing",
    false,
    "Vasily Perov - Portrait of Dostoevsky.jpg",
  ],
  ["Q905", "Franz Kafka", "novelist|writer|lawyer", 2, "Writing", false, "Kafka portrait 1923.jpg"],
  ["Q36322", "Jane Austen", "novelist|writer", 1, "Writing", true, "CassandraAusten-JaneAusten(c.1810) hires.jpg"],
  ["Q5686", "Charles Dickens", "novelist|journalist|writer", 2, "Writing", true, "Dickens Gurney head.jpg"],
  ["Q7245", "Mark Twain", "novelist|humorist|journalist", 2, "Writing", true, "Mark Twain by AF Bradley.jpg"],
  ["Q41421", "Michael Jordan", "basketball player|businessperson", 2, "Acting", true, "Michael Jordan in 2014.jpg"],
  ["Q615", "Lionel Messi", "association football player", 2, "Acting", true, "Lionel Messi 20180626.jpg"],
  ["Q11571", "Cristiano Ronaldo", "association football player", 2, "Acting", true, "Cristiano Ronaldo 2018.jpg"],
  [
    "Q17714",
    "Stephen Hawking",
    "theoretical physicist|cosmologist|author",
    2,
    "Acting",
    true,
    "Stephen Hawking.StarChild.jpg",
  ],
  [
    "Q8877",
    "Steven Spielberg",
    "film director|film producer|screenwriter",
    2,
    "Directing",
    true,
    "Steven Spielberg by Gage Skidmore.jpg",
  ],
  [
    "Q19848",
    "Lady Gaga",
    "singer|songwriter|actress",
    1,
    "Acting",
    true,
    "Lady Gaga at Joe Biden inauguration (cropped 5).jpg",
  ],
  [
    "Q26876",
    "Taylor Swift",
    "singer|songwriter|record producer",
    1,
    "Sound",
    true,
    "Taylor Swift at the 2023 MTV Video Music Awards (3).png",
  ],
  ["Q8027", "Martin Luther King Jr.", "minister|activist", 2, "Acting", true, "Martin Luther King Jr NYWTS.jpg"],
  ["Q567", "Angela Merkel", "politician|physicist", 1, "Acting", false, "Angela Merkel 2019 (cropped).jpg"],
  [
    "Q19837",
    "Steve Jobs",
    "businessperson|inventor|industrial designer",
    2,
    "Production",
    true,
    "Steve Jobs Headshot 2010-CROP.jpg",
  ],
  ["Q12897", "Pelé", "association football player|actor", 2, "Acting", true, "Pelé 1960.jpg"],
  [
    "Q36153",
    "Beyoncé",
    "singer|songwriter|actress",
    1,
    "Acting",
    true,
    "Beyoncé at The Lion King European Premiere 2019.png",
  ],
];

export const REAL_PEOPLE: readonly SamplePerson[] = ROWS.map(
  ([wikidataId, name, occupations, gender, department, screen, commons]) => ({
    wikidataId,
    name: name.normalize("NFC"),
    occupations: occupations.split("|"),
    gender,
    department,
    screen,
    commons: [commons.normalize("NFC")],
  }),
);

/** Synthetic people's item ids start here (far above any id the sample gives a real person). */
const SYNTHETIC_ID_BASE = 90_000_001;

const GIVEN_F = [
  "Ada",
  "Beatriz",
  "Chiara",
  "Dagny",
  "Elif",
  "Freya",
  "Greta",
  "Hana",
  "Ines",
  "Jovana",
  "Kalani",
  "Leilani",
  "Maren",
  "Noor",
  "Oona",
  "Priya",
  "Rosa",
  "Saoirse",
  "Tove",
  "Yara",
];
const GIVEN_M = [
  "Anders",
  "Bruno",
  "Cyrus",
  "Dmitri",
  "Emeka",
  "Felipe",
  "Gunnar",
  "Hamid",
  "Ivo",
  "Jonas",
  "Kenji",
  "Luca",
  "Mateus",
  "Nils",
  "Omar",
  "Pavel",
  "Rafael",
  "Soren",
  "Tariq",
  "Viktor",
];
const FAMILY = [
  "Abernathy",
  "Bergström",
  "Castellanos",
  "Demir",
  "Eriksen",
  "Fontaine",
  "Grünwald",
  "Halvorsen",
  "Ibáñez",
  "Jankowski",
  "Kowalczyk",
  "Lindqvist",
  "Moreau",
  "Nakamura",
  "Okafor",
  "Petrov",
  "Quintana",
  "Rahman",
  "Sørensen",
  "Takahashi",
  "Ulloa",
  "Valdés",
  "Whitfield",
  "Yilmaz",
  "Zielinski",
];
const CAREERS: ReadonlyArray<[string, SamplePerson["department"], boolean]> = [
  ["actor|film producer", "Acting", true],
  ["singer|songwriter", "Sound", true],
  ["film director|screenwriter", "Directing", true],
  ["novelist|essayist", "Writing", false],
  ["physicist|university teacher", "Crew", false],
  ["politician|lawyer", "Acting", false],
  ["painter|illustrator", "Crew", false],
  ["association football player", "Acting", true],
  ["chef|television presenter", "Acting", true],
  ["architect|designer", "Crew", false],
];

/** Made-up people for scale > 1: unique names, ids from SYNTHETIC_ID_BASE on. */
export function syntheticPeople(count: number, offset: number, rng: Rng, taken: Set<string>): SamplePerson[] {
  const out: SamplePerson[] = [];
  for (let i = 0; i < count; i++) {
    const gender: TmdbGender = rng.chance(0.5) ? 1 : 2;
    let name = "";
    for (let attempt = 0; name === "" || taken.has(name.toLowerCase()); attempt++) {
      const given = rng.pick(gender === 1 ? GIVEN_F : GIVEN_M);
      name = `${given} ${rng.pick(FAMILY)}${attempt > 3 ? ` ${rng.pick(FAMILY)}` : ""}`.normalize("NFC");
    }
    taken.add(name.toLowerCase());
    const [occupations, department, screen] = rng.pick(CAREERS);
    const year = rng.int(1950, 2023);
    const file = `${rng.chance(0.2) ? name.toLowerCase() : name} ${rng.pick(["portrait", "in", "at an event", "(cropped)", "headshot"])} ${year}.${rng.pick(["jpg", "jpg", "jpg", "png"])}`;
    out.push({
      wikidataId: `Q${SYNTHETIC_ID_BASE + offset + i}`,
      name,
      occupations: occupations.split("|"),
      gender,
      department,
      screen,
      commons: [file.normalize("NFC")],
    });
  }
  return out;
}
