# Dates and times as a British English reader writes them: "5 December 2026, 8:00 pm",
# "05/12/2026, 8:00 pm" (the "pm" comes from locale/en, which overrides Django's "p.m.").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"
TIME_FORMAT = "g:i a"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, g:i a"
