"""The legal pages: versions with a valid-from date, the footer links, the admin's rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legal.errors import LegalTextError
from legal.models import LegalText
from legal.rendering import legal_html
from legal.selectors import legal_text_current
from legal.services import legal_text_check, legal_text_save
from tests import factories

from .conftest import legal_text

pytestmark = pytest.mark.django_db

PAGES = ("imprint", "terms", "privacy", "withdrawal", "payment-pickup", "accessibility")


def test_every_legal_page_shows_the_version_in_force_in_the_readers_language(client, legal_texts):
    for page in PAGES:
        english = client.get(f"/legal/{page}/")
        german = client.get(f"/legal/{page}/", HTTP_ACCEPT_LANGUAGE="de")
        assert english.status_code == german.status_code == 200
        assert f"{page} EN v1" in english.text and "English text v1" in english.text
        assert f"{page} DE v1" in german.text and "Deutscher Text v1" in german.text
        assert "<h2>Section</h2>" in english.text


def test_a_new_version_takes_over_on_its_date_and_the_old_one_stays_readable(client, legal_texts):
    old = legal_texts["terms"]
    now = timezone.now()
    newer = legal_text("terms", now - dt.timedelta(minutes=1), "v2")
    planned = legal_text("terms", now + dt.timedelta(days=3), "v3")

    assert legal_text_current(page="terms") == newer
    page = client.get("/legal/terms/")
    assert "English text v2" in page.text and "v3" not in page.text
    # The earlier wording keeps its own address (order e-mails link it) and says it is earlier.
    earlier = client.get(old.get_absolute_url())
    assert earlier.status_code == 200
    assert "English text v1" in earlier.text and "This is an earlier version." in earlier.text
    # A planned version is not shown before its date.
    assert client.get(planned.get_absolute_url()).status_code == 404
    assert legal_text_current(page="terms", at=now + dt.timedelta(days=4)) == planned


def test_unknown_or_empty_pages_are_404(client, db):
    assert client.get("/legal/nonsense/").status_code == 404
    assert client.get("/legal/imprint/").status_code == 404  # no version yet


def test_the_footer_of_every_page_links_the_legal_pages_and_the_withdrawal_button(client, db):
    for url in ("/", "/products/", "/stores/", "/withdraw/", "/cart/"):
        html = client.get(url).text
        for page in PAGES:
            assert f'href="/legal/{page}/"' in html, (url, page)
        assert 'href="/withdraw/"' in html and "Withdraw from contract" in html
    assert "Vertrag widerrufen" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").text


def test_a_version_in_force_cannot_be_changed_but_a_planned_one_can(legal_texts):
    text = legal_texts["privacy"]
    text.body_en = "changed"
    with pytest.raises(LegalTextError):
        legal_text_save(text=text)
    assert LegalText.objects.get(pk=text.pk).body_en.endswith("English text v1")

    planned = legal_text("privacy", timezone.now() + dt.timedelta(days=1), "p")
    planned.body_en = "better"
    legal_text_save(text=planned)
    assert LegalText.objects.get(pk=planned.pk).body_en == "better"


def test_a_new_version_must_not_rewrite_the_past(legal_texts):
    def new(valid_from):
        return LegalText(
            page="terms",
            valid_from=valid_from,
            title_de="T",
            title_en="T",
            body_de="x",
            body_en="y",
        )

    with pytest.raises(LegalTextError, match="newer version is already in force"):
        legal_text_check(text=new(legal_texts["terms"].valid_from - dt.timedelta(days=1)))
    with pytest.raises(LegalTextError, match="cannot start in the past"):
        legal_text_check(text=new(timezone.now() - dt.timedelta(days=2)))
    with pytest.raises(LegalTextError, match="Both texts"):
        legal_text_check(
            text=LegalText(page="terms", valid_from=timezone.now(), title_de="T", title_en="T")
        )
    legal_text_check(text=new(timezone.now()))  # from now on is fine


def test_the_admin_saves_a_changed_text_in_force_only_as_a_new_version(client, legal_texts):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    text = legal_texts["imprint"]
    url = reverse("admin:legal_legaltext_change", args=[text.pk])
    local = timezone.localtime(text.valid_from)
    data = {
        "page": "imprint",
        "valid_from_0": local.strftime("%Y-%m-%d"),
        "valid_from_1": local.strftime("%H:%M:%S"),
        "title_de": "Impressum",
        "title_en": "Imprint",
        "body_de": "neu",
        "body_en": "new",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "cannot be changed" in refused.text
    assert LegalText.objects.get(pk=text.pk).body_en.endswith("English text v1")

    now = timezone.localtime()
    data |= {"valid_from_0": now.strftime("%Y-%m-%d"), "valid_from_1": now.strftime("%H:%M:%S")}
    saved = client.post(url, data | {"_saveasnew": "1"})
    assert saved.status_code == 302
    assert LegalText.objects.filter(page="imprint").count() == 2
    assert legal_text_current(page="imprint").body_en == "new"
    # A version in force cannot be deleted.
    delete = client.post(reverse("admin:legal_legaltext_delete", args=[text.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert LegalText.objects.filter(pk=text.pk).exists()


def test_the_contract_model_is_one_setting_in_the_admin(client, db):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    changelist = client.get(reverse("admin:legal_legalsettings_changelist"))
    assert changelist.status_code == 302
    add = client.post(changelist.url, {"contract_model": "purchase"})
    assert add.status_code == 302
    from legal.selectors import contract_model

    assert contract_model() == "purchase"
    assert client.get(reverse("admin:legal_legalsettings_add")).status_code == 403  # only one


def test_stored_text_is_escaped_when_rendered():
    note = legal_html("! Careful <i>\n\nText")
    assert note.startswith('<p class="legal-note" role="note">Careful &lt;i&gt;</p>')
    mixed = legal_html("Intro\n- a\n- b\nAfter")
    assert mixed == "<p>Intro</p>\n<ul><li>a</li><li>b</li></ul>\n<p>After</p>"
    html = legal_html(
        "## Head <b>\n\n- one\n- <script>x</script>\n\nLine 1\nLine 2 https://e.example"
    )
    assert "<h2>Head &lt;b&gt;</h2>" in html
    assert "<li>&lt;script&gt;x&lt;/script&gt;</li>" in html
    assert '<p>Line 1<br>Line 2 <a href="https://e.example" rel="nofollow">' in html


def test_demo_texts_are_marked_as_templates_in_both_languages():
    from shop.demo.legal_data import DEMO_LEGAL_TEXTS

    assert {text.page for text in DEMO_LEGAL_TEXTS} == set(PAGES)
    for text in DEMO_LEGAL_TEXTS:
        assert text.body_de.startswith(
            "! Mustertext – vor Veröffentlichung rechtlich prüfen lassen"
        )
        assert text.body_en.startswith("! Template text – have it checked by a lawyer")
        assert 'class="legal-note"' in legal_html(text.body_de)
    privacy = next(text for text in DEMO_LEGAL_TEXTS if text.page == "privacy")
    for cookie in ("sessionid", "csrftoken", "django_language", "messages"):
        assert f"- {cookie}:" in privacy.body_de and f"- {cookie}:" in privacy.body_en
    withdrawal = next(text for text in DEMO_LEGAL_TEXTS if text.page == "withdrawal")
    assert "Muster-Widerrufsformular" in withdrawal.body_de
    assert "Model withdrawal form" in withdrawal.body_en
