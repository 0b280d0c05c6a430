"""Each store knows its federal state (for public holidays) and may have special days.

The demo chain's stores get their real federal states (by store code; a benchmark copy such as
"bonn-2" by the code it copies). Other stores keep an empty state (nationwide holidays only)
until someone sets it in the admin.
"""

import django.db.models.deletion
from django.db import migrations, models

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


def demo_states(apps, schema_editor):
    Store = apps.get_model("stores", "Store")
    for store in Store.objects.filter(state=""):
        state = STATES.get(store.code) or STATES.get(store.code.rsplit("-", 1)[0])
        if state:
            store.state = state
            store.save(update_fields=["state"])


class Migration(migrations.Migration):
    dependencies = [("stores", "0002_store_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="store",
            name="state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("BW", "Baden-Württemberg"),
                    ("BY", "Bavaria"),
                    ("BE", "Berlin"),
                    ("BB", "Brandenburg"),
                    ("HB", "Bremen"),
                    ("HH", "Hamburg"),
                    ("HE", "Hesse"),
                    ("MV", "Mecklenburg-Western Pomerania"),
                    ("NI", "Lower Saxony"),
                    ("NW", "North Rhine-Westphalia"),
                    ("RP", "Rhineland-Palatinate"),
                    ("SL", "Saarland"),
                    ("SN", "Saxony"),
                    ("ST", "Saxony-Anhalt"),
                    ("SH", "Schleswig-Holstein"),
                    ("TH", "Thuringia"),
                ],
                help_text="Decides the public holidays on which the store is closed. Empty: only the nationwide holidays.",
                max_length=2,
                verbose_name="federal state",
            ),
        ),
        migrations.CreateModel(
            name="SpecialDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("closed", models.BooleanField(default=False, verbose_name="closed all day")),
                ("opens", models.TimeField(blank=True, null=True, verbose_name="opens")),
                ("closes", models.TimeField(blank=True, null=True, verbose_name="closes")),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Shown to shoppers, for example: Christmas Eve, inventory, Sunday opening.",
                        max_length=80,
                        verbose_name="occasion",
                    ),
                ),
                (
                    "store",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="special_days",
                        to="stores.store",
                        verbose_name="store",
                    ),
                ),
            ],
            options={
                "verbose_name": "special day",
                "verbose_name_plural": "special days",
                "ordering": ["date"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("store", "date"), name="special_day_unique_date"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("closed", True), ("opens__isnull", True), ("closes__isnull", True)
                            ),
                            models.Q(
                                ("closed", False),
                                ("opens__isnull", False),
                                ("closes__isnull", False),
                                ("opens__lt", models.F("closes")),
                            ),
                            _connector="OR",
                        ),
                        name="special_day_closed_or_hours",
                    ),
                ],
            },
        ),
        migrations.RunPython(demo_states, migrations.RunPython.noop),
    ]
