"""DSGVO Art. 17: after the erasure no personal field of the person remains in any table, the
open order is cancelled with its stock, points and credit given back, the ledgers still
balance, the card is retired, and the confirmation went to the old address first."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from customers.errors import ConfirmationNotSent, CustomerNotAllowed, ErasureRefused
from customers.models import DataExport, Erasure, MarketingConsent
from customers.services.account import marketing_consent_set
from customers.services.erasure import erase_customer
from customers.services.export import data_export_build, data_export_request
from inventory.models import StockLevel, StockMovement
from loyalty.credit import store_credit_balance
from loyalty.errors import UnknownCard
from loyalty.models import LoyaltyAccount, PointsEntry
from loyalty.selectors import account_balance, account_by_card_number
from loyalty.services import loyalty_account_open
from returns.models import ReturnRequest
from shop.orders.models import Order, OrderStatus
from shop.orders.services.collector import order_collector_set
from tests import factories

from .conftest import EMAIL, NAME, PHONE

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.JSONField)


def _person_left_in_database() -> list[str]:
    """Every text field of every model searched for the person's name, e-mail and phone."""
    needles = [*NAME, EMAIL, PHONE, PHONE.replace(" ", "")]
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        for row in model._default_manager.all().values_list("pk", *(f.name for f in fields)):
            pk, *values = row
            for field, value in zip(fields, values, strict=True):
                text = str(value).lower() if value is not None else ""
                for needle in needles:
                    if needle.lower() in text:
                        found.append(f"{model._meta.label}#{pk}.{field.name} has {needle!r}")
    return found


def _stock_consistent(variant) -> None:
    for level in StockLevel.objects.filter(variant=variant):
        moved = StockMovement.objects.filter(store=level.store, variant=variant).aggregate(
            total=Sum("quantity")
        )["total"]
        assert level.on_hand == moved
        assert level.reserved == 0, "the cancelled order's reservation is released"


def test_erasure_leaves_no_personal_field_anywhere(person, history, store):
    order = history["open"]
    order_collector_set(
        order=order, actor=person, name=f"{NAME[0]}s Schwester", email="sis@example.net"
    )
    marketing_consent_set(user=person, granted=True)
    data_export_build(export_id=data_export_request(user=person).pk)
    assert _person_left_in_database(), "the test data names the person"
    points_before_cancel = account_balance(person.loyalty_account)
    credit_before_cancel = store_credit_balance(user=person)
    mail.outbox.clear()

    erasure = erase_customer(user=person, by=person, password=factories.PASSWORD)

    assert _person_left_in_database() == []
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert erasure.orders_cancelled == [order.number]
    # points and credit given back, and the ledgers balance: the balance is the sum of entries
    account = LoyaltyAccount.objects.get(pk=person.loyalty_account.pk)
    assert account_balance(account) == points_before_cancel + 50
    assert store_credit_balance(user=person) == credit_before_cancel + order.store_credit_used
    assert (
        account_balance(account)
        == PointsEntry.objects.filter(account=account).aggregate(s=Sum("points"))["s"]
    )
    _stock_consistent(history["variant"])
    # the orders stay for the retention period, with their amounts
    assert Order.objects.filter(customer=person).count() == 2
    assert Order.objects.get(pk=history["collected"].pk).total == Decimal("80.00")
    # the confirmation went to the old address, in the customer's language
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert "gelöscht" in mail.outbox[0].subject
    assert order.number in mail.outbox[0].body
    # the card is retired and its number stays taken
    with pytest.raises(UnknownCard):
        account_by_card_number(account.card_number)
    assert account.retired_at is not None
    user = User.objects.get(pk=person.pk)
    assert not user.is_active and not user.has_usable_password()
    assert DataExport.objects.filter(user=user).count() == 0
    assert MarketingConsent.objects.filter(user=user).first().granted is False


def test_new_cards_never_reuse_a_retired_number(person, tiers, monkeypatch):
    number = person.loyalty_account.card_number
    erase_customer(user=person, by=person, password=factories.PASSWORD)
    numbers = iter([number, "2000000000015"])
    monkeypatch.setattr("loyalty.services.card_number_generate", lambda: next(numbers))
    other = loyalty_account_open(user=factories.UserFactory())
    assert other.card_number == "2000000000015"


def test_wrong_password_changes_nothing(person, history):
    with pytest.raises(CustomerNotAllowed):
        erase_customer(user=person, by=person, password="wrong")
    assert history["open"].__class__.objects.get(pk=history["open"].pk).status == "placed"
    assert User.objects.get(pk=person.pk).email == EMAIL
    assert not Erasure.objects.exists()


def test_mail_server_down_rolls_everything_back(person, history, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: refused
    with pytest.raises(ConfirmationNotSent):
        erase_customer(user=person, by=person, password=factories.PASSWORD)
    assert Order.objects.get(pk=history["open"].pk).status == OrderStatus.PLACED
    assert User.objects.get(pk=person.pk).email == EMAIL
    assert LoyaltyAccount.objects.get(user=person).retired_at is None


def test_staff_accounts_and_erased_accounts_are_refused(person, store):
    associate = factories.staff(store)
    with pytest.raises(ErasureRefused):
        erase_customer(user=associate, by=associate, password=factories.PASSWORD)
    erase_customer(user=person, by=person, password=factories.PASSWORD)
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ErasureRefused):
        erase_customer(user=User.objects.get(pk=person.pk), by=admin, reason="letter")


def test_associates_may_not_erase_others(person, store):
    associate = factories.staff(store)
    with pytest.raises(CustomerNotAllowed):
        erase_customer(user=person, by=associate, reason="letter")


def test_return_comments_are_removed_and_requested_returns_cancelled(person, history, store):
    from returns.services import return_request_create

    order = history["collected"]
    line = order.lines.get()
    ret = return_request_create(
        order=order,
        lines=[(line, 1)],
        reason="other",
        comment=f"Bitte an {NAME[0]} {NAME[1]} zurück, Tel. {PHONE}",
        actor=person,
    )
    erase_customer(user=person, by=person, password=factories.PASSWORD)
    ret = ReturnRequest.objects.get(pk=ret.pk)
    assert ret.status == "closed"
    assert NAME[0] not in ret.comment and ret.comment
    assert _person_left_in_database() == []


def test_admin_erases_on_a_letter_and_it_is_logged(client, person, history):
    from django.contrib.admin.models import LogEntry

    admin = factories.UserFactory(is_superuser=True, is_staff=True, email="admin@omnishop.example")
    client.force_login(admin)
    url = reverse("admin:customers_erasure_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"customer_email": "nobody@example.org", "reason": "Brief"})
    assert response.status_code == 200 and not Erasure.objects.exists()
    response = client.post(url, {"customer_email": EMAIL, "reason": "Brief vom 28.11."})
    assert response.status_code == 302
    erasure = Erasure.objects.get()
    assert (
        erasure.by == admin and erasure.channel == "staff" and erasure.reason == "Brief vom 28.11."
    )
    assert LogEntry.objects.filter(user=admin, object_id=str(erasure.pk)).exists()
    assert _person_left_in_database() == []


def test_shopper_deletes_own_account_through_the_page(client, person, history):
    client.force_login(person)
    url = reverse("customers:erase")
    page = client.get(url)
    assert history["open"].number in page.content.decode()
    bad = client.post(url, {"password": "nope", "confirm": "on"})
    assert bad.status_code == 400
    assert not Erasure.objects.exists()
    response = client.post(url, {"password": factories.PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert Erasure.objects.get().channel == "self"
    assert client.get(reverse("customers:account")).status_code == 302  # logged out


def test_wrong_passwords_are_limited(client, person):
    from customers.errors import ErasureRateLimited
    from customers.services import erasure

    for _ in range(erasure.PASSWORD_FAILURES):
        with pytest.raises(CustomerNotAllowed):
            erase_customer(user=person, by=person, password="wrong")
    with pytest.raises(ErasureRateLimited):
        erase_customer(user=person, by=person, password=factories.PASSWORD)
    client.force_login(person)
    response = client.post(
        reverse("customers:erase"), {"password": factories.PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert not Erasure.objects.exists()


def test_recommendation_comments_go_and_scores_stay(person, history):
    from insight.models import NpsSurvey
    from insight.services import nps_answer, nps_survey_open

    survey = nps_survey_open(order=history["collected"])
    nps_answer(survey=survey, score=10, comment=f"Frau {NAME[1]} hat toll beraten")
    erase_customer(user=person, by=person, password=factories.PASSWORD)
    survey = NpsSurvey.objects.get(pk=survey.pk)
    assert survey.score == 10 and NAME[1] not in survey.comment and survey.comment
    assert _person_left_in_database() == []
