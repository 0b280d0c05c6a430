import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import CountStatus, ReconciliationFinding, StockCount, StockLevel
from inventory.services import stock_reconcile
from stores.models import StaffRole
from tests.factories import PASSWORD, StoreFactory, UserFactory, VariantFactory, staff, stock

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_associate_counts_at_the_desk_and_a_manager_approves(client, store, variant):
    stock(store, variant, on_hand=50)
    login(client, staff(store))
    response = client.post(
        reverse("stock:count_new"), {"store": store.pk, "lines": f"{variant.sku};20"}
    )
    count = StockCount.objects.get()
    assert response.url == reverse("stock:count_detail", args=[count.public_id])
    assert count.status == CountStatus.SUBMITTED
    decide = reverse("stock:count_decide", args=[count.public_id])
    client.post(decide, {"decision": "approve"})  # an associate cannot
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED
    assert StockLevel.objects.get().on_hand == 50
    login(client, staff(store, role=StaffRole.MANAGER))
    page = client.get(reverse("stock:count_detail", args=[count.public_id]))
    assert b'value="approve"' in page.content
    client.post(decide, {"decision": "approve"})
    count.refresh_from_db()
    assert count.status == CountStatus.APPLIED
    assert StockLevel.objects.get().on_hand == 20


def test_count_csv_upload_and_bad_lines(client, store, variant):
    stock(store, variant, on_hand=5)
    login(client, staff(store))
    csv = SimpleUploadedFile("count.csv", f"sku,counted\n{variant.sku},4\nNOPE,2\n".encode())
    response = client.post(reverse("stock:count_new"), {"store": store.pk, "file": csv})
    assert response.status_code == 200
    assert "Line 3" in response.content.decode() or "Zeile 3" in response.content.decode()
    assert not StockCount.objects.exists()
    csv = SimpleUploadedFile("count.csv", f"sku,counted\n{variant.sku},4\n".encode())
    client.post(reverse("stock:count_new"), {"store": store.pk, "file": csv})
    assert StockLevel.objects.get().on_hand == 4


def test_counts_of_other_stores_are_not_found(client, store, variant):
    other = StoreFactory()
    stock(other, variant, on_hand=5)
    login(client, staff(other))
    client.post(reverse("stock:count_new"), {"store": other.pk, "lines": f"{variant.sku};50"})
    count = StockCount.objects.get()
    login(client, staff(store, role=StaffRole.MANAGER))
    assert client.get(reverse("stock:count_detail", args=[count.public_id])).status_code == 404
    response = client.post(
        reverse("stock:count_decide", args=[count.public_id]), {"decision": "approve"}
    )
    assert response.status_code == 404
    # and an associate cannot count for a store they do not work at
    client.post(reverse("stock:count_new"), {"store": other.pk, "lines": f"{variant.sku};1"})
    assert StockCount.objects.count() == 1


def test_low_stock_lists_only_my_stores(client, store, django_assert_max_num_queries):
    other = StoreFactory()
    mine, theirs, fine = VariantFactory(), VariantFactory(), VariantFactory()
    for s, v, units, point in ((store, mine, 2, 5), (other, theirs, 1, 5), (store, fine, 9, 5)):
        level = stock(s, v, on_hand=units)
        StockLevel.objects.filter(pk=level.pk).update(reorder_point=point)
    login(client, staff(store, role=StaffRole.MANAGER))
    with django_assert_max_num_queries(8):
        page = client.get(reverse("stock:low_stock")).content.decode()
    assert mine.sku in page
    assert theirs.sku not in page and fine.sku not in page


def test_admin_snapshot_import_is_scoped_to_my_stores(client, store, variant):
    other = StoreFactory()
    stock(store, variant, on_hand=5)
    stock(other, variant, on_hand=5)
    user = staff(store, role=StaffRole.MANAGER)
    user.is_superuser = False
    user.save()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__endswith="stocklevel"))
    login(client, user)
    url = reverse("admin:inventory_stocklevel_import")
    bad = SimpleUploadedFile(
        "s.csv", f"store,sku,quantity\n{other.code},{variant.sku},1\n".encode()
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert response.context["problems"][0].line == 2
    good = SimpleUploadedFile(
        "s.csv", f"store,sku,quantity\n{store.code},{variant.sku},3\n".encode()
    )
    response = client.post(url, {"file": good, "dry_run": ""})
    assert [d.difference for d in response.context["report"].differences] == [-2]
    assert dict(StockLevel.objects.values_list("store_id", "on_hand")) == {store.pk: 3, other.pk: 5}


def test_admin_lists_findings_of_my_stores_only(client, variant):
    first, second = StoreFactory(), StoreFactory()
    for s in (first, second):
        level = stock(s, variant, on_hand=5)
        StockLevel.objects.filter(pk=level.pk).update(on_hand=6)
    run = stock_reconcile()
    assert ReconciliationFinding.objects.filter(run=run).count() == 2
    user = staff(first, role=StaffRole.MANAGER)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__contains="reconciliation"))
    login(client, user)
    response = client.get(reverse("admin:inventory_reconciliationfinding_changelist"))
    assert list(response.context["cl"].queryset.values_list("store_id", flat=True)) == [first.pk]
    response = client.get(reverse("admin:inventory_reconciliationrun_change", args=[run.pk]))
    inline = response.context["inline_admin_formsets"][0]
    assert [f.form.instance.store_id for f in inline] == [first.pk]


def test_admin_superuser_can_queue_a_run(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin_user)
    response = client.post(reverse("admin:inventory_reconciliationrun_run"))
    assert response.status_code == 302
    assert client.get(reverse("admin:inventory_reconciliationrun_changelist")).status_code == 200
    assert client.get(reverse("admin:inventory_reconciliationrun_run")).status_code == 403


def test_admin_pages_render_and_shortfalls_can_be_resolved(client, store, variant):
    from inventory.models import StockShortfall
    from inventory.services import Delta, stock_deltas_apply
    from tests.factories import reserve

    level = stock(store, variant, on_hand=2)
    StockLevel.objects.filter(pk=level.pk).update(reorder_point=3)
    reserve(store, variant, 2, "CC-9")
    stock_deltas_apply(
        store_id=store.pk, deltas=[Delta(variant_id=variant.pk, quantity=-1, kind="sale")]
    )
    login(client, UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse("admin:inventory_stocklevel_changelist") + "?reorder=below")
    assert list(changelist.context["cl"].queryset) == [level]
    assert client.get(reverse("admin:inventory_stocklevel_import")).status_code == 200
    for name in ("stockcount", "reconciliationfinding", "stockmovement", "reservation"):
        assert client.get(reverse(f"admin:inventory_{name}_changelist")).status_code == 200
    shortfall = StockShortfall.objects.get(reference="CC-9")
    client.post(
        reverse("admin:inventory_stockshortfall_changelist"),
        {"action": "mark_resolved", "_selected_action": [shortfall.pk]},
    )
    shortfall.refresh_from_db()
    assert shortfall.resolved and shortfall.resolved_by is not None


def test_admin_store_filter_offers_only_my_stores(client, store, variant):
    other = StoreFactory()
    stock(store, variant, on_hand=1)
    stock(other, variant, on_hand=1)
    user = staff(store, role=StaffRole.MANAGER)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename="view_stocklevel"))
    login(client, user)
    response = client.get(reverse("admin:inventory_stocklevel_changelist"))
    page = response.content.decode()
    assert store.name in page and other.name not in page
    response = client.get(reverse("admin:inventory_stocklevel_changelist") + f"?store={other.pk}")
    assert list(response.context["cl"].queryset) == []
