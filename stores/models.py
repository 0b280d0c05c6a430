import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class State(models.TextChoices):
    """The German federal states (Bundesländer), by the codes the `holidays` package uses."""

    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bavaria")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hesse")
    MV = "MV", _("Mecklenburg-Western Pomerania")
    NI = "NI", _("Lower Saxony")
    NW = "NW", _("North Rhine-Westphalia")
    RP = "RP", _("Rhineland-Palatinate")
    SL = "SL", _("Saarland")
    SN = "SN", _("Saxony")
    ST = "ST", _("Saxony-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thuringia")


class StoreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def pickup(self):
        return self.active().filter(pickup_enabled=True)


class Store(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, db_index=True)
    city = models.CharField(_("city"), max_length=100, db_index=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    state = models.CharField(
        _("federal state"),
        max_length=2,
        choices=State.choices,
        blank=True,
        help_text=_(
            "Decides the public holidays on which the store is closed. Empty: only the "
            "nationwide holidays."
        ),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    pickup_enabled = models.BooleanField(_("pickup enabled"), default=True)
    pickup_hold_days = models.PositiveSmallIntegerField(
        _("pickup hold (opening days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "How many opening days a ready order waits at the counter; it expires at closing "
            "time of the last one."
        ),
    )
    pickup_target_minutes = models.PositiveIntegerField(
        _("picking target (minutes)"),
        default=120,
        help_text=_(
            "Preparation time of an order (counted in opening hours) for the promised pickup "
            "time; a placed order not picked within it counts as overdue."
        ),
    )

    objects = StoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="store_coordinates_valid",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    def is_open_at(self, moment: dt.datetime) -> bool:
        from .calendar import is_open

        return is_open(store=self, at=moment)


class OpeningHours(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("store")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "weekday", "opens"], name="hours_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="hours_open_before_close"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class SpecialDay(models.Model):
    """A day on which the store keeps other hours than usual, or stays closed."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="special_days", verbose_name=_("store")
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=False)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(
        _("occasion"),
        max_length=80,
        blank=True,
        help_text=_("Shown to shoppers, for example: Christmas Eve, inventory, Sunday opening."),
    )

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="special_day_unique_date"),
            models.CheckConstraint(
                condition=(Q(closed=True) & Q(opens__isnull=True) & Q(closes__isnull=True))
                | (
                    Q(closed=False)
                    & Q(opens__isnull=False)
                    & Q(closes__isnull=False)
                    & Q(opens__lt=models.F("closes"))
                ),
                name="special_day_closed_or_hours",
            ),
        ]

    def __str__(self):
        if self.closed:
            return f"{self.date:%Y-%m-%d} {_('closed')}"
        return f"{self.date:%Y-%m-%d} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.closed:
            if self.opens or self.closes:
                raise ValidationError(_("A day on which the store is closed has no opening hours."))
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(
                _("Give the opening and closing time, or mark the day as closed.")
            )
        if self.opens >= self.closes:
            raise ValidationError(_("The store must open before it closes."))


class StaffRole(models.TextChoices):
    ASSOCIATE = "associate", _("Associate")
    MANAGER = "manager", _("Manager")


class StaffMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="store_memberships",
        verbose_name=_("user"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("store")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=StaffRole.choices, default=StaffRole.ASSOCIATE
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.store} ({self.get_role_display()})"


class StoreApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class StoreApiToken(models.Model):
    """A secret for one till or ERP feed, good for one store only.

    Only a SHA-256 digest is stored; the plain key is shown once, when it is created.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("store")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example: till 2, ERP nightly feed.")
    )
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = StoreApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("store API token")
        verbose_name_plural = _("store API tokens")

    def __str__(self):
        return f"{self.store.code}: {self.name} ({self.prefix}…)"
