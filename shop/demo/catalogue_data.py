"""The demo catalogue of an outdoor and sports retailer, in German, generated deterministically:
product number n always becomes the same product, so a larger data set extends a smaller one."""

import zlib
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.text import slugify

CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43", "44", "45", "46")
KIDS_SIZES = ("116", "128", "140", "152", "164")


@dataclass(frozen=True)
class Leaf:
    slug: str
    name: str
    shape: str  # silhouette drawn for its product images
    code: str  # SKU prefix
    nouns: tuple[str, ...]
    sizes: tuple[str, ...]
    price: tuple[int, int]  # euros, from–to
    features: tuple[str, ...]
    gendered: bool = True


# (slug, name, leaves)
CATEGORY_TREE: list[tuple[str, str, list[Leaf]]] = [
    (
        "bekleidung",
        "Bekleidung",
        [
            Leaf(
                "jacken",
                "Jacken",
                "jacket",
                "JK",
                ("Hardshelljacke", "Regenjacke", "Softshelljacke", "Daunenjacke"),
                CLOTHING_SIZES,
                (89, 399),
                (
                    "Die wasserdichte Membran hält Regen und Wind zuverlässig ab.",
                    "Verklebte Nähte und eine helmtaugliche Kapuze machen sie wettertauglich.",
                    "Unterarm-Reißverschlüsse sorgen beim Aufstieg für Belüftung.",
                    "Lässt sich klein in die eigene Tasche packen.",
                ),
            ),
            Leaf(
                "hosen",
                "Hosen",
                "trousers",
                "HO",
                ("Wanderhose", "Zip-Off-Hose", "Trekkinghose", "Regenhose"),
                CLOTHING_SIZES,
                (59, 179),
                (
                    "Das elastische Material gibt bei jedem Schritt nach.",
                    "Verstärkte Knie und Säume halten Felsen und Gestrüpp stand.",
                    "Die Beine lassen sich per Reißverschluss abnehmen.",
                    "Trocknet schnell und ist mit PFC-freier Imprägnierung ausgerüstet.",
                ),
            ),
            Leaf(
                "shirts",
                "Shirts",
                "shirt",
                "SH",
                ("Funktionsshirt", "Merino-Shirt", "Langarmshirt", "Polo-Shirt"),
                CLOTHING_SIZES,
                (24, 89),
                (
                    "Leitet Feuchtigkeit nach außen und trocknet schnell.",
                    "Merinowolle bleibt auch nach Tagen geruchsarm.",
                    "Flache Nähte scheuern nicht unter dem Rucksack.",
                    "UV-Schutz UPF 50+ für lange Tage in der Sonne.",
                ),
            ),
            Leaf(
                "fleece-pullover",
                "Fleece & Pullover",
                "jacket",
                "FL",
                ("Fleecejacke", "Strickpullover", "Hoodie", "Midlayer"),
                CLOTHING_SIZES,
                (49, 149),
                (
                    "Wärmt auch dann, wenn es feucht wird.",
                    "Aus recyceltem Polyester gefertigt.",
                    "Ideal als wärmende Zwischenschicht unter der Hardshell.",
                ),
            ),
            Leaf(
                "funktionswaesche",
                "Funktionswäsche",
                "shirt",
                "FW",
                ("Funktionsunterhemd", "Lange Unterhose", "Sport-BH", "Boxershorts"),
                CLOTHING_SIZES,
                (19, 79),
                (
                    "Sitzt eng, ohne einzuengen.",
                    "Temperaturausgleichend bei Kälte wie bei Hitze.",
                    "Nahtlos gestrickt für maximalen Tragekomfort.",
                ),
            ),
            Leaf(
                "kinderbekleidung",
                "Kinderbekleidung",
                "jacket",
                "KI",
                ("Kinder-Regenjacke", "Matschhose", "Kinder-Fleecejacke", "Kinder-Shirt"),
                KIDS_SIZES,
                (24, 99),
                (
                    "Robust genug für Pfützen, Spielplatz und Schulweg.",
                    "Reflektoren sorgen für Sichtbarkeit in der Dämmerung.",
                    "Mitwachsende Ärmel verlängern die Tragezeit um eine Größe.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "schuhe",
        "Schuhe",
        [
            Leaf(
                "wanderschuhe",
                "Wanderschuhe",
                "shoe",
                "WS",
                ("Wanderschuh", "Trekkingstiefel", "Approach-Schuh"),
                SHOE_SIZES,
                (99, 259),
                (
                    "Die Vibram-Sohle greift auf nassem Fels.",
                    "Wasserdicht dank GORE-TEX-Futter.",
                    "Der stabile Schaft stützt das Sprunggelenk auf Geröll.",
                ),
            ),
            Leaf(
                "laufschuhe",
                "Laufschuhe",
                "shoe",
                "LS",
                ("Trailrunning-Schuh", "Laufschuh", "Wettkampfschuh"),
                SHOE_SIZES,
                (89, 189),
                (
                    "Leicht und mit direktem Bodenkontakt für schnelle Trails.",
                    "Die gedämpfte Zwischensohle schont die Gelenke auf langen Läufen.",
                    "Ein Steinschutz im Vorfuß schützt vor spitzen Steinen.",
                ),
            ),
            Leaf(
                "sandalen",
                "Sandalen",
                "sandal",
                "SA",
                ("Trekkingsandale", "Badeschuh", "Outdoor-Sandale"),
                SHOE_SIZES,
                (39, 119),
                (
                    "Schnell trocknend, ideal für Flussquerungen.",
                    "Das Fußbett ist anatomisch geformt.",
                    "Klettverschlüsse lassen sich mit einer Hand einstellen.",
                ),
            ),
            Leaf(
                "winterstiefel",
                "Winterstiefel",
                "shoe",
                "WI",
                ("Winterstiefel", "Schneestiefel", "Après-Ski-Stiefel"),
                SHOE_SIZES,
                (99, 229),
                (
                    "Warm gefüttert bis minus 30 °C.",
                    "Die Gummisohle bleibt auch auf Eis griffig.",
                    "Ein hoher Schaft hält den Schnee draußen.",
                ),
            ),
        ],
    ),
    (
        "rucksaecke-taschen",
        "Rucksäcke & Taschen",
        [
            Leaf(
                "trekkingrucksaecke",
                "Trekkingrucksäcke",
                "backpack",
                "TR",
                ("Trekkingrucksack", "Tourenrucksack", "Alpinrucksack"),
                ("38 L", "45 L", "55 L", "65 L"),
                (119, 299),
                (
                    "Das verstellbare Tragesystem passt sich jeder Rückenlänge an.",
                    "Der Hüftgurt überträgt die Last auf die Beine.",
                    "Mit integrierter Regenhülle im Bodenfach.",
                ),
                gendered=False,
            ),
            Leaf(
                "daypacks",
                "Daypacks",
                "backpack",
                "DP",
                ("Daypack", "Wanderrucksack", "Stadtrucksack"),
                ("18 L", "22 L", "28 L"),
                (49, 129),
                (
                    "Ein Netzrücken hält den Rücken luftig.",
                    "Das gepolsterte Fach nimmt einen 15-Zoll-Laptop auf.",
                    "Trinksystem-kompatibel.",
                ),
                gendered=False,
            ),
            Leaf(
                "reisetaschen",
                "Reisetaschen",
                "bag",
                "RT",
                ("Reisetasche", "Duffel Bag", "Packsack"),
                ("40 L", "60 L", "90 L"),
                (39, 169),
                (
                    "Aus robustem, wasserabweisendem Planenmaterial.",
                    "Lässt sich mit Schultergurten wie ein Rucksack tragen.",
                    "Faltet sich klein zusammen, wenn sie nicht gebraucht wird.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "zelte-schlafen",
        "Zelte & Schlafen",
        [
            Leaf(
                "zelte",
                "Zelte",
                "tent",
                "ZE",
                ("Kuppelzelt", "Tunnelzelt", "Trekkingzelt", "Familienzelt"),
                ("1 Person", "2 Personen", "3 Personen", "4 Personen"),
                (129, 699),
                (
                    "Schnell aufgebaut: Innen- und Außenzelt stehen in einem Schritt.",
                    "Zwei Eingänge mit Apsiden bieten Platz für das Gepäck.",
                    "Eine Wassersäule von 3.000 mm hält auch Dauerregen stand.",
                ),
                gendered=False,
            ),
            Leaf(
                "schlafsaecke",
                "Schlafsäcke",
                "sleepingbag",
                "SS",
                ("Daunenschlafsack", "Kunstfaserschlafsack", "Hüttenschlafsack"),
                ("Regular", "Long"),
                (49, 449),
                (
                    "Die Komforttemperatur liegt bei 0 °C.",
                    "Die Kapuze lässt sich eng um das Gesicht ziehen.",
                    "Klein komprimierbar dank Kompressionssack.",
                ),
                gendered=False,
            ),
            Leaf(
                "isomatten",
                "Isomatten",
                "mat",
                "IM",
                ("Isomatte", "Luftmatratze", "Schaummatte"),
                ("Regular", "Large"),
                (29, 189),
                (
                    "Selbstaufblasend mit schnellem Ventil.",
                    "Ein R-Wert von 4,2 isoliert auch auf kaltem Boden.",
                    "Leise Oberfläche, die nicht raschelt.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "camping-kueche",
        "Camping & Küche",
        [
            Leaf(
                "kocher",
                "Kocher",
                "stove",
                "KO",
                ("Gaskocher", "Spirituskocher", "Kochersystem"),
                ("",),
                (29, 179),
                (
                    "Bringt einen Liter Wasser in unter vier Minuten zum Kochen.",
                    "Mit Piezozündung und Windschutz.",
                    "Passt zusammengeklappt in den eigenen Topf.",
                ),
                gendered=False,
            ),
            Leaf(
                "campinggeschirr",
                "Campinggeschirr",
                "pot",
                "CG",
                ("Topfset", "Besteckset", "Faltbecher", "Pfanne"),
                ("",),
                (9, 79),
                (
                    "Aus leichtem, eloxiertem Aluminium.",
                    "Spülmaschinenfest und BPA-frei.",
                    "Platzsparend ineinander stapelbar.",
                ),
                gendered=False,
            ),
            Leaf(
                "trinkflaschen",
                "Trinkflaschen",
                "bottle",
                "TF",
                ("Trinkflasche", "Thermosflasche", "Trinkblase"),
                ("0,5 L", "0,75 L", "1 L"),
                (14, 49),
                (
                    "Hält Getränke 12 Stunden heiß oder 24 Stunden kalt.",
                    "Auslaufsicher, auch kopfüber im Rucksack.",
                    "Aus Edelstahl, geschmacksneutral.",
                ),
                gendered=False,
            ),
            Leaf(
                "lampen",
                "Stirnlampen & Laternen",
                "lamp",
                "LA",
                ("Stirnlampe", "Campinglaterne", "Taschenlampe"),
                ("",),
                (19, 99),
                (
                    "Per USB-C aufladbar.",
                    "Rotlichtmodus schont die Nachtsicht.",
                    "Spritzwassergeschützt nach IPX4.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "radsport",
        "Radsport",
        [
            Leaf(
                "fahrradhelme",
                "Fahrradhelme",
                "helmet",
                "FH",
                ("Fahrradhelm", "MTB-Helm", "Stadthelm"),
                ("S", "M", "L"),
                (49, 199),
                (
                    "Mit MIPS-System gegen Rotationskräfte beim Sturz.",
                    "Das Drehrad passt den Helm in Sekunden an.",
                    "Ein integriertes Rücklicht macht dich sichtbar.",
                ),
                gendered=False,
            ),
            Leaf(
                "radbekleidung",
                "Radbekleidung",
                "shirt",
                "RB",
                ("Radtrikot", "Radhose", "Windweste"),
                CLOTHING_SIZES,
                (39, 149),
                (
                    "Das Sitzpolster ist für lange Touren gemacht.",
                    "Drei Rückentaschen fassen alles für unterwegs.",
                    "Reflektierende Details für mehr Sicherheit.",
                ),
            ),
            Leaf(
                "fahrradtaschen",
                "Fahrradtaschen",
                "bag",
                "FT",
                ("Gepäckträgertasche", "Lenkertasche", "Rahmentasche"),
                ("",),
                (29, 139),
                (
                    "Wasserdicht verschweißt mit Rollverschluss.",
                    "Das Klicksystem hält sicher am Gepäckträger.",
                    "Mit abnehmbarem Schultergurt.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "wintersport",
        "Wintersport",
        [
            Leaf(
                "skibekleidung",
                "Skibekleidung",
                "jacket",
                "SK",
                ("Skijacke", "Skihose", "Isolationsjacke"),
                CLOTHING_SIZES,
                (119, 449),
                (
                    "Mit Schneefang und Skipasstasche am Ärmel.",
                    "Wärmend isoliert mit PrimaLoft.",
                    "Die Wassersäule von 20.000 mm hält jedem Schneesturm stand.",
                ),
            ),
            Leaf(
                "handschuhe",
                "Handschuhe",
                "glove",
                "HA",
                ("Skihandschuh", "Fleecehandschuh", "Fäustling"),
                ("S", "M", "L", "XL"),
                (19, 99),
                (
                    "Touchscreen-fähige Fingerspitzen.",
                    "Wasserdichte Membran und lange Stulpe.",
                    "Vorgeformte Finger für guten Griff am Stock.",
                ),
                gendered=False,
            ),
            Leaf(
                "muetzen",
                "Mützen & Stirnbänder",
                "beanie",
                "MU",
                ("Strickmütze", "Beanie", "Stirnband"),
                ("",),
                (14, 49),
                (
                    "Aus weicher Merinowolle, kratzt nicht.",
                    "Mit Fleecefutter an den Ohren.",
                    "Passt unter jeden Helm.",
                ),
                gendered=False,
            ),
        ],
    ),
    (
        "accessoires",
        "Accessoires",
        [
            Leaf(
                "socken",
                "Socken",
                "sock",
                "SO",
                ("Wandersocken", "Laufsocken", "Skisocken"),
                ("35–38", "39–42", "43–46"),
                (12, 29),
                (
                    "Gepolstert an Ferse und Zehen.",
                    "Merino-Anteil für warme, trockene Füße.",
                    "Nahtlose Spitze gegen Blasen.",
                ),
                gendered=False,
            ),
            Leaf(
                "sonnenbrillen",
                "Sonnenbrillen",
                "glasses",
                "SB",
                ("Sportbrille", "Gletscherbrille", "Sonnenbrille"),
                ("",),
                (39, 179),
                (
                    "Gläser der Kategorie 3 mit vollem UV-Schutz.",
                    "Rutschfeste Bügel und Nasenpads.",
                    "Mit Hartschalen-Etui.",
                ),
                gendered=False,
            ),
            Leaf(
                "wanderstoecke",
                "Wanderstöcke",
                "poles",
                "WT",
                ("Wanderstöcke", "Trekkingstöcke", "Faltstöcke"),
                ("",),
                (39, 149),
                (
                    "Aus Carbon, nur 420 g pro Paar.",
                    "Der Schnellverschluss verstellt die Länge stufenlos.",
                    "Korkgriffe liegen auch mit schwitzigen Händen gut in der Hand.",
                ),
                gendered=False,
            ),
        ],
    ),
]

BRANDS = (
    "Bergwerk",
    "Nordwand",
    "Fjellwind",
    "Gipfelglück",
    "Alpenlicht",
    "Waldläufer",
    "Küstenkind",
    "Isarwelle",
    "Trailhaus",
    "Sturmfest",
)
MODELS = (
    "Watzmann",
    "Zugspitze",
    "Brocken",
    "Feldberg",
    "Wendelstein",
    "Kampenwand",
    "Arber",
    "Fichtelberg",
    "Herzogstand",
    "Karwendel",
    "Rhön",
    "Eifel",
    "Spessart",
    "Taunus",
    "Allgäu",
    "Elbsandstein",
    "Sylt",
    "Rügen",
    "Amrum",
    "Hiddensee",
    "Müritz",
    "Chiemsee",
    "Tegernsee",
    "Königssee",
    "Bodensee",
    "Hochkönig",
    "Wetterstein",
    "Säntis",
    "Belchen",
    "Kyffhäuser",
)
GENDERS = (" Herren", " Damen", "")
COLOURS = {
    "Schwarz": (34, 34, 38),
    "Marine": (31, 52, 94),
    "Waldgrün": (44, 94, 62),
    "Rot": (196, 48, 43),
    "Petrol": (20, 110, 120),
    "Grau": (118, 122, 128),
    "Senfgelb": (214, 162, 38),
    "Himmelblau": (74, 144, 214),
    "Orange": (232, 118, 36),
    "Beere": (142, 40, 92),
    "Sand": (196, 172, 128),
    "Oliv": (104, 110, 58),
}
COLOUR_NAMES = tuple(COLOURS)
CARE = (
    "Pflegehinweis: bei 30 °C im Schonwaschgang waschen.",
    "Hergestellt nach bluesign®-Standard.",
    "Zwei Jahre Garantie und kostenlose Reparaturannahme in jeder Filiale.",
    "Vor Ort in deiner Filiale anprobieren und direkt mitnehmen.",
)

LEAVES: list[Leaf] = [leaf for _slug, _name, leaves in CATEGORY_TREE for leaf in leaves]


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    ean: str
    size: str
    colour: str
    price: Decimal
    position: int
    net_quantity: Decimal | None = None  # goods sold by weight, volume, length or area
    quantity_unit: str = ""


@dataclass(frozen=True)
class DemoProduct:
    number: int
    slug: str
    name: str
    brand: str
    description: str
    category_slug: str
    shape: str
    variants: tuple[DemoVariant, ...]
    tax_class: str = "standard"


GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_slug(text: str) -> str:
    return slugify(text.translate(GERMAN_LETTERS))


def ean13(first_twelve: str) -> str:
    """Append the EAN-13 check digit (weights 1, 3, 1, 3, … from the left)."""
    assert len(first_twelve) == 12 and first_twelve.isdigit()
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def _pick(seed: int, options, salt: int = 0):
    return options[(seed >> (salt * 5)) % len(options)]


# Categories for the goods below that the generated catalogue has no leaf for: (parent, slug, name).
EXTRA_CATEGORIES = [
    ("accessoires", "sonnenschutz", "Sonnenschutz"),
    ("accessoires", "seile-schnuere", "Seile & Schnüre"),
    ("accessoires", "karten", "Karten"),
    ("accessoires", "gutscheine", "Gutscheine"),
    ("camping-kueche", "outdoor-nahrung", "Outdoor-Nahrung & Getränke"),
]

# (name, brand, category, shape, tax class, description, variants as (size, price, quantity, unit))
# Goods sold by weight, volume, length or area show a base price (Grundpreis); a map (7 %), a
# trekking meal (7 %) and a gift voucher (0 %) give the demo orders more than one VAT rate.
SPECIAL_GOODS: list[tuple[str, str, str, str, str, str, list[tuple[str, str, str, str]]]] = [
    (
        "Gaskartusche Schraubventil",
        "Flammwerk",
        "kocher",
        "stove",
        "standard",
        "Butan-Propan-Gemisch mit Schraubventil (EN 417) für alle gängigen Outdoor-Kocher. "
        "Auch bei Kälte zuverlässig.",
        [("230 g", "5.99", "230", "g"), ("450 g", "8.99", "450", "g")],
    ),
    (
        "Sonnencreme LSF 50",
        "Alpenlicht",
        "sonnenschutz",
        "bottle",
        "standard",
        "Wasserfeste Sonnencreme mit sehr hohem Schutz für Gletscher und Gipfel.",
        [("50 ml", "6.95", "50", "ml"), ("200 ml", "14.95", "200", "ml")],
    ),
    (
        "Reepschnur 5 mm",
        "Sturmfest",
        "seile-schnuere",
        "bag",
        "standard",
        "Robuste Polyamid-Reepschnur für Abspannungen und Biwak; am Meter oder als Rolle.",
        [("Meterware", "1.29", "1", "m"), ("Rolle 20 m", "19.90", "20", "m")],
    ),
    (
        "Elektrolytgetränk Zitrone",
        "Isarwelle",
        "outdoor-nahrung",
        "bottle",
        "standard",
        "Isotonisches Getränk mit Natrium und Magnesium, trinkfertig in der Flasche.",
        [("330 ml", "1.49", "330", "ml"), ("750 ml", "2.79", "750", "ml")],
    ),
    (
        "Trekkingmahlzeit Chili sin Carne",
        "Waldläufer",
        "outdoor-nahrung",
        "pot",
        "reduced",
        "Gefriergetrocknete Mahlzeit: mit heißem Wasser aufgießen, zehn Minuten warten, fertig.",
        [("125 g", "8.95", "125", "g")],
    ),
    (
        "Zeltunterlage 2 × 1,5 m",
        "Fjellwind",
        "zelte",
        "tent",
        "standard",
        "Schützt den Zeltboden vor spitzen Steinen und Nässe.",
        [("3 m²", "24.95", "3", "m2")],
    ),
    (
        "Wanderkarte Harz 1:25.000",
        "Kartenwerk",
        "karten",
        "bag",
        "reduced",
        "Topografische Wanderkarte mit allen markierten Wegen, reiß- und wasserfest.",
        [("", "9.95", "", "")],
    ),
    (
        "Geschenkgutschein",
        "Omnishop",
        "gutscheine",
        "bag",
        "zero",
        "Einlösbar in allen Filialen und bei der Abholung online reservierter Ware.",
        [("25 €", "25.00", "", "")],
    ),
]


# Manufacturers of the demo brands (GPSR), all fictional: (company, address, country, e-mail,
# website, responsible person in the EU as (name, address, e-mail) for one outside the EU).
DEMO_STREETS = [
    "Industriestraße 12\n83022 Rosenheim",
    "Am Hafen 3\n24103 Kiel",
    "Werkstraße 8\n87435 Kempten",
    "Talweg 21\n79098 Freiburg im Breisgau",
    "Gewerbepark 5\n01067 Dresden",
]
EU_RESPONSIBLE = (
    "Omnishop Import GmbH (Demo)",
    "Lagerstraße 1\n10115 Berlin",
    "produktsicherheit@omnishop.example",
)


def demo_manufacturer(brand: str) -> tuple[str, str, str, str, str, tuple[str, str, str] | None]:
    """The (fictional) manufacturer behind a demo brand; Flammwerk sits in Switzerland."""
    slug = german_slug(brand)
    if brand == "Flammwerk":
        return (
            "Flammwerk AG (Demo)",
            "Bahnhofstrasse 40\n8001 Zürich\nSchweiz",
            "CH",
            f"info@{slug}.example",
            f"https://{slug}.example",
            EU_RESPONSIBLE,
        )
    street = DEMO_STREETS[zlib.crc32(brand.encode()) % len(DEMO_STREETS)]
    return (f"{brand} GmbH (Demo)", street, "DE", f"info@{slug}.example", "", None)


SAFETY_WARNINGS = {
    "Gaskartusche Schraubventil": (
        "Gefahr: Extrem entzündbares Gas. Behälter steht unter Druck: kann bei Erwärmung bersten.\n"
        "Von Hitze, heißen Oberflächen, Funken und offenen Flammen fernhalten. Nicht rauchen.\n"
        "Vor Sonnenbestrahlung schützen; nicht Temperaturen über 50 °C aussetzen.\n"
        "Darf nicht in die Hände von Kindern gelangen."
    ),
    "Sonnencreme LSF 50": (
        "Nur zur äußerlichen Anwendung. Kontakt mit den Augen vermeiden.\n"
        "Säuglinge und Kleinkinder nicht der direkten Sonne aussetzen."
    ),
    "Reepschnur 5 mm": "Nicht zum Klettern oder zur Absturzsicherung geeignet.",
    "Elektrolytgetränk Zitrone": "Nach dem Öffnen gekühlt lagern und innerhalb von 2 Tagen verbrauchen.",
}


def _special(number: int) -> DemoProduct:
    name, brand, category, shape, tax_class, description, variants = SPECIAL_GOODS[number]
    return DemoProduct(
        number=number,
        slug=german_slug(f"{brand} {name}"),
        name=name,
        brand=brand,
        description=description,
        category_slug=category,
        shape=shape,
        tax_class=tax_class,
        variants=tuple(
            DemoVariant(
                sku=f"SP-{number + 1:05d}-{position + 1}",
                ean=ean13(f"4260{number:06d}{position:02d}"),
                size=size,
                colour="",
                price=Decimal(price),
                position=position,
                net_quantity=Decimal(quantity) if quantity else None,
                quantity_unit=unit,
            )
            for position, (size, price, quantity, unit) in enumerate(variants)
        ),
    )


def demo_products(count: int) -> list[DemoProduct]:
    """Products 0 … count-1 (the special goods first); a slug taken by an earlier number gets a
    numbered suffix."""
    products, taken = [], set()
    for number in range(count):
        product = _special(number) if number < len(SPECIAL_GOODS) else _product(number)
        slug, n = product.slug, 2
        while slug in taken:
            slug, n = f"{product.slug}-{n}", n + 1
        taken.add(slug)
        products.append(product if slug == product.slug else replace(product, slug=slug))
    return products


def _product(number: int) -> DemoProduct:
    seed = zlib.crc32(f"omnishop-demo-{number}".encode())
    leaf = LEAVES[number % len(LEAVES)]
    brand = _pick(seed, BRANDS, 0)
    model = _pick(seed, MODELS, 1)
    noun = _pick(seed, leaf.nouns, 2)
    gender = _pick(seed, GENDERS, 3) if leaf.gendered else ""
    name = f"{model} {noun}{gender}"
    features = [leaf.features[(seed >> (4 + i)) % len(leaf.features)] for i in range(3)]
    intro = f"{noun} von {brand} aus der {model}-Kollektion."
    description = " ".join([intro, *dict.fromkeys(features), _pick(seed, CARE, 4)])
    low, high = leaf.price
    euros = low + (seed >> 7) % (high - low + 1)
    base = Decimal(euros) + Decimal(_pick(seed, ("0.95", "0.99", "0.90", "0.00"), 5))
    return DemoProduct(
        number=number,
        slug=german_slug(f"{brand} {name}"),
        name=name,
        brand=brand,
        description=description,
        category_slug=leaf.slug,
        shape=leaf.shape,
        variants=_variants(number, seed, leaf, base),
    )


def _variants(number: int, seed: int, leaf: Leaf, base: Decimal) -> tuple[DemoVariant, ...]:
    n_colours = 1 + (seed >> 11) % 3
    first = (seed >> 13) % len(COLOUR_NAMES)
    colours = [COLOUR_NAMES[(first + 3 * i) % len(COLOUR_NAMES)] for i in range(n_colours)]
    sizes = leaf.sizes
    if len(sizes) > 1:
        wanted = max(1, 6 // n_colours)
        start = (seed >> 17) % max(1, len(sizes) - wanted + 1)
        sizes = sizes[start : start + wanted]
    variants = []
    for colour in colours:
        for size in sizes:
            position = len(variants)
            # Larger volumes and tents cost more; clothing sizes cost the same.
            step = leaf.sizes.index(size) if leaf.shape in {"backpack", "bag", "tent"} else 0
            variants.append(
                DemoVariant(
                    sku=f"{leaf.code}-{number + 1:05d}-{position + 1}",
                    ean=ean13(f"4260{number:06d}{position:02d}"),
                    size=size,
                    colour=colour,
                    price=base + 10 * step,
                    position=position,
                )
            )
    return tuple(variants[:6])
