"""The demo chain's stores: eight flagship stores in real city centres, and further cities for
large benchmark data sets. Coordinates are the real ones (WGS 84), addresses plausible."""

from dataclasses import dataclass, replace

# Weekday 0 = Monday. Each entry: (weekdays, opens, closes). Sunday stays closed (German law).
MON_FRI = (0, 1, 2, 3, 4)
MON_SAT = (0, 1, 2, 3, 4, 5)
CITY_CENTRE = ((MON_SAT, "10:00", "20:00"),)
SHORT_SATURDAY = ((MON_FRI, "10:00", "19:00"), ((5,), "10:00", "18:00"))
LONG_WEEKDAYS = ((MON_FRI, "09:30", "20:00"), ((5,), "09:30", "19:00"))


@dataclass(frozen=True)
class DemoStore:
    code: str
    name: str
    street: str
    postcode: str
    city: str
    latitude: str
    longitude: str
    phone: str
    hours: tuple = CITY_CENTRE
    size: float = 1.0  # how much stock it carries compared with an average store
    pickup_hold_days: int = 3
    state: str = ""  # federal state (Bundesland), filled from STATES by `demo_stores`


FLAGSHIPS = [
    DemoStore(
        "berlin",
        "Omnishop Berlin Alexanderplatz",
        "Alexanderplatz 9",
        "10178",
        "Berlin",
        "52.521918",
        "13.413215",
        "+49 30 2400 1870",
        size=1.6,
        pickup_hold_days=5,
    ),
    DemoStore(
        "hamburg",
        "Omnishop Hamburg Mönckebergstraße",
        "Mönckebergstraße 16",
        "20095",
        "Hamburg",
        "53.550770",
        "10.000650",
        "+49 40 3250 6410",
        size=1.4,
    ),
    DemoStore(
        "muenchen",
        "Omnishop München Neuhauser Straße",
        "Neuhauser Straße 18",
        "80331",
        "München",
        "48.138850",
        "11.568930",
        "+49 89 2155 3320",
        hours=LONG_WEEKDAYS,
        size=1.5,
    ),
    DemoStore(
        "koeln",
        "Omnishop Köln Schildergasse",
        "Schildergasse 65",
        "50667",
        "Köln",
        "50.936060",
        "6.951640",
        "+49 221 2777 9050",
        size=1.2,
    ),
    DemoStore(
        "frankfurt",
        "Omnishop Frankfurt Zeil",
        "Zeil 90",
        "60313",
        "Frankfurt am Main",
        "50.114260",
        "8.682270",
        "+49 69 2199 4480",
        size=1.1,
    ),
    DemoStore(
        "stuttgart",
        "Omnishop Stuttgart Königstraße",
        "Königstraße 27",
        "70173",
        "Stuttgart",
        "48.778610",
        "9.177670",
        "+49 711 2293 7760",
        hours=LONG_WEEKDAYS,
    ),
    DemoStore(
        "leipzig",
        "Omnishop Leipzig Petersstraße",
        "Petersstraße 20",
        "04109",
        "Leipzig",
        "51.337780",
        "12.374060",
        "+49 341 2253 8810",
        hours=SHORT_SATURDAY,
        size=0.7,
        pickup_hold_days=4,
    ),
    DemoStore(
        "duesseldorf",
        "Omnishop Düsseldorf Schadowstraße",
        "Schadowstraße 44",
        "40212",
        "Düsseldorf",
        "51.226000",
        "6.782260",
        "+49 211 5404 1290",
        hours=SHORT_SATURDAY,
        size=0.8,
    ),
]

# Further cities for large data sets: (code, city, postcode, latitude, longitude).
MORE_CITIES = [
    ("dortmund", "Dortmund", "44137", "51.513600", "7.465300"),
    ("essen", "Essen", "45127", "51.455600", "7.011600"),
    ("bremen", "Bremen", "28195", "53.079300", "8.801700"),
    ("dresden", "Dresden", "01067", "51.050400", "13.737300"),
    ("hannover", "Hannover", "30159", "52.375900", "9.732000"),
    ("nuernberg", "Nürnberg", "90402", "49.452100", "11.076700"),
    ("duisburg", "Duisburg", "47051", "51.434400", "6.762300"),
    ("bochum", "Bochum", "44787", "51.481800", "7.216200"),
    ("wuppertal", "Wuppertal", "42103", "51.256200", "7.150800"),
    ("bielefeld", "Bielefeld", "33602", "52.030200", "8.532500"),
    ("bonn", "Bonn", "53111", "50.737400", "7.098200"),
    ("muenster", "Münster", "48143", "51.960700", "7.626100"),
    ("mannheim", "Mannheim", "68161", "49.487500", "8.466000"),
    ("karlsruhe", "Karlsruhe", "76133", "49.006900", "8.403700"),
    ("augsburg", "Augsburg", "86150", "48.370500", "10.897800"),
    ("wiesbaden", "Wiesbaden", "65183", "50.078200", "8.239800"),
    ("aachen", "Aachen", "52062", "50.775300", "6.083900"),
    ("braunschweig", "Braunschweig", "38100", "52.268900", "10.521100"),
    ("kiel", "Kiel", "24103", "54.323300", "10.122800"),
    ("chemnitz", "Chemnitz", "09111", "50.827800", "12.921400"),
    ("halle", "Halle (Saale)", "06108", "51.482500", "11.970500"),
    ("magdeburg", "Magdeburg", "39104", "52.120500", "11.627600"),
    ("freiburg", "Freiburg im Breisgau", "79098", "47.999000", "7.842100"),
    ("krefeld", "Krefeld", "47798", "51.338800", "6.585300"),
    ("mainz", "Mainz", "55116", "49.992900", "8.247300"),
    ("luebeck", "Lübeck", "23552", "53.865500", "10.686600"),
    ("erfurt", "Erfurt", "99084", "50.978700", "11.032800"),
    ("rostock", "Rostock", "18055", "54.092400", "12.099100"),
    ("kassel", "Kassel", "34117", "51.312700", "9.479700"),
    ("potsdam", "Potsdam", "14467", "52.390600", "13.065000"),
    ("saarbruecken", "Saarbrücken", "66111", "49.240200", "6.996900"),
    ("oldenburg", "Oldenburg", "26122", "53.143500", "8.214600"),
    ("osnabrueck", "Osnabrück", "49074", "52.279900", "8.047200"),
    ("heidelberg", "Heidelberg", "69117", "49.398800", "8.672400"),
    ("darmstadt", "Darmstadt", "64283", "49.872800", "8.651200"),
    ("regensburg", "Regensburg", "93047", "49.013400", "12.101600"),
    ("wuerzburg", "Würzburg", "97070", "49.791300", "9.953500"),
    ("ulm", "Ulm", "89073", "48.401100", "9.987600"),
    ("goettingen", "Göttingen", "37073", "51.541300", "9.915800"),
    ("konstanz", "Konstanz", "78462", "47.660000", "9.175800"),
    ("rosenheim", "Rosenheim", "83022", "47.856100", "12.128900"),
    ("garmisch", "Garmisch-Partenkirchen", "82467", "47.491600", "11.095500"),
    ("oberstdorf", "Oberstdorf", "87561", "47.409700", "10.279200"),
    ("berchtesgaden", "Berchtesgaden", "83471", "47.631500", "13.001600"),
    ("trier", "Trier", "54290", "49.749900", "6.637100"),
    ("schwerin", "Schwerin", "19053", "53.635500", "11.401200"),
    ("jena", "Jena", "07743", "50.927100", "11.586400"),
    ("passau", "Passau", "94032", "48.574000", "13.460900"),
    ("flensburg", "Flensburg", "24937", "54.793700", "9.446900"),
    ("bamberg", "Bamberg", "96047", "49.898800", "10.902800"),
]

# The federal state (Bundesland) of each demo city, by store code: it decides the holidays.
STATES = {
    "berlin": "BE",
    "hamburg": "HH",
    "muenchen": "BY",
    "koeln": "NW",
    "frankfurt": "HE",
    "stuttgart": "BW",
    "leipzig": "SN",
    "duesseldorf": "NW",
    "dortmund": "NW",
    "essen": "NW",
    "bremen": "HB",
    "dresden": "SN",
    "hannover": "NI",
    "nuernberg": "BY",
    "duisburg": "NW",
    "bochum": "NW",
    "wuppertal": "NW",
    "bielefeld": "NW",
    "bonn": "NW",
    "muenster": "NW",
    "mannheim": "BW",
    "karlsruhe": "BW",
    "augsburg": "BY",
    "wiesbaden": "HE",
    "aachen": "NW",
    "braunschweig": "NI",
    "kiel": "SH",
    "chemnitz": "SN",
    "halle": "ST",
    "magdeburg": "ST",
    "freiburg": "BW",
    "krefeld": "NW",
    "mainz": "RP",
    "luebeck": "SH",
    "erfurt": "TH",
    "rostock": "MV",
    "kassel": "HE",
    "potsdam": "BB",
    "saarbruecken": "SL",
    "oldenburg": "NI",
    "osnabrueck": "NI",
    "heidelberg": "BW",
    "darmstadt": "HE",
    "regensburg": "BY",
    "wuerzburg": "BY",
    "ulm": "BW",
    "goettingen": "NI",
    "konstanz": "BW",
    "rosenheim": "BY",
    "garmisch": "BY",
    "oberstdorf": "BY",
    "berchtesgaden": "BY",
    "trier": "RP",
    "schwerin": "MV",
    "jena": "TH",
    "passau": "BY",
    "flensburg": "SH",
    "bamberg": "BY",
}

STREETS = ["Bahnhofstraße", "Hauptstraße", "Marktplatz", "Kaiserstraße", "Schloßstraße"]


def demo_stores(count: int) -> list[DemoStore]:
    """The first `count` stores of the chain, flagships first; always the same for a count."""
    stores = [replace(s, state=STATES[s.code]) for s in FLAGSHIPS[:count]]
    n = 0
    while len(stores) < count:
        code, city, postcode, lat, lng = MORE_CITIES[n % len(MORE_CITIES)]
        round_ = n // len(MORE_CITIES)
        if round_:
            code, city = f"{code}-{round_ + 1}", f"{city} {round_ + 1}"
            lat = f"{float(lat) + 0.01 * round_:.6f}"
        stores.append(
            DemoStore(
                code=code,
                name=f"Omnishop {city}",
                street=f"{STREETS[n % len(STREETS)]} {3 + (n * 7) % 60}",
                postcode=postcode,
                city=city,
                latitude=lat,
                longitude=lng,
                phone="",
                hours=(CITY_CENTRE, SHORT_SATURDAY, LONG_WEEKDAYS)[n % 3],
                size=(0.6, 0.8, 1.0, 1.2)[n % 4],
                state=STATES[MORE_CITIES[n % len(MORE_CITIES)][0]],
            )
        )
        n += 1
    return stores
