"""Attachments: accepted by what their bytes are, refused by size, photographs stored
without their location, and served only to people who may see the contact."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from hearth.audit.models import AuditEvent
from hearth.frontdoor import attachments, services
from hearth.frontdoor.models import ContactAttachment

pytestmark = pytest.mark.django_db

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
}


def jpeg_with_location(orientation: int = 1, size=(64, 48)) -> bytes:
    """A real photograph as a phone saves it: camera make, orientation, GPS position
    and a comment in its metadata."""
    img = Image.new("RGB", size, (200, 30, 30))
    img.putpixel((0, 0), (0, 0, 255))  # a mark in the top-left corner
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"14 Alder Road", quality=95)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(out, "PNG")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_gps_position_is_removed_from_a_photograph():
    data = jpeg_with_location()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it was there
    found, stored = attachments.check_upload(data, name="bruise.jpg")
    assert found.content_type == "image/jpeg" and found.kind == "photo"
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and img.size == (64, 48)
    assert dict(img.getexif()) == {}
    assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"Exif" not in stored and b"PhoneCo" not in stored and b"Alder Road" not in stored
    assert "comment" not in img.info


def test_a_sideways_photograph_is_stood_upright_before_its_metadata_goes():
    stored = attachments.check_upload(jpeg_with_location(orientation=6), name="x.jpg")[1]
    img = Image.open(io.BytesIO(stored))
    assert img.size == (48, 64)  # rotated 90°, and no orientation tag left to do it again
    assert ExifTags.Base.Orientation not in img.getexif()


@pytest.mark.parametrize(
    ("data", "content_type", "kind"),
    [
        (png(), "image/png", "photo"),
        (PDF, "application/pdf", "document"),
        (docx(), attachments.DOCX, "document"),
    ],
)
def test_accepted_by_what_the_bytes_are(data, content_type, kind):
    found, _ = attachments.check_upload(data, name="anything.bin")
    assert (found.content_type, found.kind) == (content_type, kind)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 a Windows program renamed photo.jpg", "must be a JPG or PNG photograph"),
        (b"<html><script>alert(1)</script>", "must be a JPG or PNG photograph"),
        (b"PK\x03\x04 a zip that is not a Word document", "must be a JPG or PNG photograph"),
        (b"\xff\xd8\xff\xe0 starts like a JPEG but is not one", "could not be read"),
        (b"", "The selected file is empty"),
    ],
)
def test_refused_with_a_clear_reason(data, message):
    with pytest.raises(ValidationError, match=message):
        attachments.check_upload(data, name="photo.jpg")


def test_size_limit_is_configurable(settings):
    settings.HEARTH_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="must be smaller than 1 KB"):
        attachments.check_upload(PDF + b"0" * 2000, name="big.pdf")
    settings.HEARTH_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    with pytest.raises(ValidationError, match="must be smaller than 5 MB"):
        attachments.check_upload(PDF + b"0" * (5 * 1024 * 1024), name="big.pdf")
    assert attachments.max_bytes() == 5 * 1024 * 1024


def test_default_limit_is_20_mb(settings):
    del settings.HEARTH_ATTACHMENT_MAX_BYTES
    assert attachments.max_bytes() == 20 * 1024 * 1024


def test_stored_outside_the_web_root_under_a_random_name(fd, settings):
    contact = fd.contact()
    upload = SimpleUploadedFile(
        "../../etc/bruise.jpg", jpeg_with_location(), content_type="text/html"
    )
    attachment = services.attachment_add(
        acting_user=fd.worker,
        contact=contact,
        upload=upload,
        description="Photo sent by the school",
    )
    assert attachment.content_type == "image/jpeg"  # sniffed, not what the browser said
    assert attachment.metadata_removed and attachment.original_name == "bruise.jpg"
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and "bruise" not in path and ".." not in path
    with open(path, "rb") as f:
        assert b"Exif" not in f.read()
    assert AuditEvent.objects.filter(
        event="frontdoor.attachment.add", person_id=fd.child.pk
    ).exists()


def test_upload_page_shows_the_error_and_download_checks_who_asks(fd, f, login, client):
    contact = fd.contact()
    c = login(fd.worker)
    bad = SimpleUploadedFile("notes.txt", b"plain text", content_type="application/pdf")
    r = c.post(f"/front-door/contacts/{contact.pk}/attachments/", {"attachment-file": bad})
    page = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in page
    assert 'href="#id_attachment-file"' in page
    assert (
        "The selected file must be a JPG or PNG photograph, a PDF or a Word document (DOCX)" in page
    )
    assert not ContactAttachment.objects.exists()

    good = SimpleUploadedFile("bruise.jpg", jpeg_with_location(), content_type="image/jpeg")
    r = c.post(f"/front-door/contacts/{contact.pk}/attachments/", {"attachment-file": good})
    assert r.status_code == 302
    attachment = ContactAttachment.objects.get()
    url = f"/front-door/contacts/{contact.pk}/attachments/{attachment.pk}/"
    r = c.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert "sandbox" in r["Content-Security-Policy"]
    assert b"Exif" not in b"".join(r.streaming_content)
    assert AuditEvent.objects.filter(event="frontdoor.attachment.view").exists()

    other = fd.contact()
    assert c.get(f"/front-door/contacts/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    for outsider in (fd.police_user, f.user("social_worker"), f.user("team_manager")):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
