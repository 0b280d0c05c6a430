# Dates and times as a German reader writes them: "5. Dezember 2026, 20:00 Uhr".
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = r"j. F Y, H:i \U\h\r"
TIME_FORMAT = r"H:i \U\h\r"
