"""Checking a file someone uploads, by what its bytes are rather than what its name or
the browser says, and removing what a photograph carries about where it was taken.

Accepted: JPEG and PNG photographs, PDF and Word (DOCX) documents, up to the size in
the setting HEARTH_ATTACHMENT_MAX_BYTES (20 MB unless set). Photographs are decoded (a
file that only starts like a JPEG is refused) and written again without their EXIF,
XMP and comments, so a phone's GPS position of a family's home goes no further.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

from hearth.frontdoor.models import AttachmentKind

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_TEXT = "a JPG or PNG photograph, a PDF or a Word document (DOCX)"
# Image metadata kept when a photograph is written again: colour profile and density,
# which say nothing about the person who took it or where.
_KEEP_INFO = frozenset({"icc_profile", "dpi"})


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    kind: AttachmentKind


def max_bytes() -> int:
    return int(getattr(settings, "HEARTH_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_big_message() -> str:
    limit = max_bytes()
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{-(-limit // 1024)} KB"
    return f"The selected file must be smaller than {size}"


def sniff(data: bytes) -> Sniffed | None:
    """What the file is, from its first bytes (magic numbers); None if not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg", AttachmentKind.PHOTO)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png", AttachmentKind.PHOTO)
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf", AttachmentKind.DOCUMENT)
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return Sniffed(DOCX, "docx", AttachmentKind.DOCUMENT)
    return None


def _is_docx(data: bytes) -> bool:
    """A ZIP is only a Word document if it holds the parts every DOCX has."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def strip_image_metadata(data: bytes, content_type: str) -> bytes:
    """The photograph written again without EXIF (camera, time, GPS), XMP or comments.
    A JPEG's orientation tag is applied to the pixels first, so it stays upright."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fmt = img.format
            upright = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(
            "The selected photograph could not be read: it may be damaged", code="unreadable"
        ) from None
    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    if fmt != expected:
        raise ValidationError(
            "The selected photograph could not be read: it may be damaged", code="unreadable"
        )
    keep: dict[str, Any] = {str(k): v for k, v in img.info.items() if k in _KEEP_INFO}
    upright.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright.mode not in {"RGB", "L", "CMYK"}:
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=92, exif=b"", **keep)
    else:
        upright.save(out, format="PNG", **keep)
    return out.getvalue()


def check_upload(data: bytes, *, name: str) -> tuple[Sniffed, bytes]:
    """The file's type and the bytes to store (photographs without their metadata), or
    a ValidationError that says what is wrong in words a worker can act on."""
    if not data:
        raise ValidationError("The selected file is empty", code="empty")
    limit = max_bytes()
    if len(data) > limit:
        raise ValidationError(too_big_message(), code="too_big")
    found = sniff(data)
    if found is None:
        raise ValidationError(f"The selected file must be {ALLOWED_TEXT}", code="type")
    if found.kind == AttachmentKind.PHOTO:
        data = strip_image_metadata(data, found.content_type)
    return found, data
