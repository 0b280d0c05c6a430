"""The registry: every kind has its templates, and extra context reaches them."""

import pytest
from django.template.loader import get_template

from notifications import kinds
from notifications.kinds import KINDS, DuplicateKind, Kind, UnknownKind, register
from notifications.models import Channel, NotificationStatus
from notifications.services import Recipient, notify

from .helpers import deliver


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_kind_has_compiling_templates(code):
    kind = KINDS[code]
    for channel in kind.channels:
        extensions = ("txt", "html") if channel == Channel.EMAIL else ("txt",)
        for extension in extensions:
            get_template(kind.template(channel, extension))  # raises if missing or broken


def test_a_new_kind_is_one_entry_and_its_templates(db, shopper, store, settings, tmp_path):
    """What a later issue does to add e.g. "stock count finished": no change to any caller."""
    folder = tmp_path / "notifications" / "in_app"
    folder.mkdir(parents=True)
    (folder / "count_done.txt").write_text("{{ store.name }}: {{ reason }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    kind = Kind(
        "count_done",
        "Count done at {store.name}",
        channels=(Channel.IN_APP,),
        context=lambda subject: {"store": subject},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(KINDS, kind.code, kind)
        [row] = notify(
            kind="count_done",
            subject=store,
            recipients=[Recipient(user=shopper)],
            context={"reason": "all shelves counted"},
        )
        [row] = deliver(pk=row.pk)
    assert row.status == NotificationStatus.SENT
    assert row.title == f"Count done at {store.name}"
    assert row.body == f"{store.name}: all shelves counted"
    assert row.context == {"reason": "all shelves counted"}


def test_unknown_kind_is_refused_loudly(db, shopper, store):
    with pytest.raises(UnknownKind):
        notify(kind="no_such_kind", subject=store, recipients=[Recipient(user=shopper)])


def test_a_kind_code_registered_twice_is_refused(monkeypatch):
    monkeypatch.setattr(kinds, "KINDS", dict(KINDS))  # a copy: the test registers nothing real
    taken = Kind("order_placed", "Someone else's order mail")
    with pytest.raises(DuplicateKind, match="'order_placed' is already registered"):
        register(taken)
    assert kinds.KINDS["order_placed"] is KINDS["order_placed"]  # the owner's kind is kept
    new = Kind("count_done", "Count done")
    with pytest.raises(DuplicateKind, match="'count_done'"):
        register(new, new)
    assert "count_done" not in kinds.KINDS  # nothing of a refused call is registered


def test_each_owning_app_registered_its_kinds():
    assert set(KINDS) == {
        "order_placed",
        "order_ready",
        "order_reminder",
        "order_expired",
        "order_cancelled",
        "order_changed",
        "order_received",
        "order_stock_shortfall",
        "order_rescue",
        "order_collector",
        "order_collected",
        "order_withdrawn",
        "return_received",
        "refund_issued",
        "tier_changed",
        "stock_drift_found",
        "stock_shortfall",
        "stock_count_waiting",
        "stock_alert_confirm",
        "stock_back_in_store",
        "nps_survey",
        "data_export_ready",
        "webhook_endpoint_paused",
    }
