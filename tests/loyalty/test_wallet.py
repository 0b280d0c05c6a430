import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from django.urls import reverse

from loyalty.wallet import wallet_pass_build
from tests import factories

pytestmark = pytest.mark.django_db


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signing_key, hashes.SHA256())
    )


@pytest.fixture
def signing(tmp_path, settings):
    """A throwaway WWDR-like CA and a pass certificate it issued, configured as the settings."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test WWDR", "Test WWDR", ca_key.public_key(), ca_key, ca=True)
    pass_key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(
        "Pass Type ID: pass.test", "Test WWDR", pass_key.public_key(), ca_key, ca=False
    )
    paths = {
        "WALLET_WWDR_CERT": tmp_path / "wwdr.pem",
        "WALLET_PASS_CERT": tmp_path / "pass.pem",
        "WALLET_PASS_KEY": tmp_path / "pass.key",
    }
    paths["WALLET_WWDR_CERT"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["WALLET_PASS_CERT"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["WALLET_PASS_KEY"].write_bytes(
        pass_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    for name, path in paths.items():
        setattr(settings, name, str(path))
    settings.WALLET_PASS_KEY_PASSWORD = "s3cret"
    settings.WALLET_PASS_TYPE_ID = "pass.test.loyalty"
    settings.WALLET_TEAM_ID = "ABCDE12345"
    return {"ca": ca, "cert": cert, "dir": tmp_path}


def test_pass_has_valid_manifest_and_signature(signing):
    account = factories.loyalty_account()
    data = wallet_pass_build(account, balance=1234)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "pass.json",
        "manifest.json",
        "signature",
        "icon.png",
        "icon@2x.png",
        "logo.png",
    } <= names

    manifest_bytes = archive.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert set(manifest) == names - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(archive.read(name)).hexdigest() == digest  # noqa: S324

    pass_json = json.loads(archive.read("pass.json"))
    assert pass_json["passTypeIdentifier"] == "pass.test.loyalty"
    assert pass_json["teamIdentifier"] == "ABCDE12345"
    assert pass_json["serialNumber"] == account.card_number
    assert pass_json["barcodes"][0]["message"] == account.card_number
    assert pass_json["storeCard"]["headerFields"][0]["value"] == 1234

    signature = archive.read("signature")
    certificates = pkcs7.load_der_pkcs7_certificates(signature)
    assert {c.subject for c in certificates} == {signing["cert"].subject, signing["ca"].subject}

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to verify the PKCS#7 signature")
    directory = signing["dir"]
    (directory / "manifest.json").write_bytes(manifest_bytes)
    (directory / "signature").write_bytes(signature)
    verify = [
        "openssl", "smime", "-verify", "-binary", "-inform", "DER",
        "-in", str(directory / "signature"), "-content", str(directory / "manifest.json"),
        "-CAfile", str(directory / "wwdr.pem"), "-purpose", "any", "-out", "/dev/null",
    ]  # fmt: skip
    result = subprocess.run(verify, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()

    # a changed manifest does not verify
    (directory / "manifest.json").write_bytes(manifest_bytes.replace(b'"', b"'", 1))
    assert subprocess.run(verify, capture_output=True, check=False).returncode != 0


def test_wallet_button_and_download_only_when_configured(client, settings):
    settings.WALLET_PASS_CERT = ""
    user = factories.UserFactory()
    client.force_login(user)
    page = client.get(reverse("loyalty:card"))
    assert b'data-testid="wallet-button"' not in page.content
    assert client.get(reverse("loyalty:wallet_pass")).status_code == 404


def test_wallet_download_when_configured(client, signing):
    user = factories.UserFactory()
    client.force_login(user)
    page = client.get(reverse("loyalty:card"))
    assert b'data-testid="wallet-button"' in page.content
    response = client.get(reverse("loyalty:wallet_pass"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("pass.json"))["serialNumber"] == user.loyalty_account.card_number
