"""Checks of a document attached to a step (pure: no ORM, no request).

Only the formats offices exchange (PDF, JPG, PNG, Word docx, Excel xlsx) and at most 20 MB
(STEP_DOCUMENT_MAX_MB). The extension must match the content's signature, so a renamed program or a
macro workbook (xlsm) is refused.
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError

from . import codes

# extension → (kind stored, content check)
KINDS = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "docx": "docx",
    "xlsx": "xlsx",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The part an Office Open XML package of each kind must contain.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _error(code: str, **params) -> ValidationError:
    message = codes.MESSAGES[code]
    return ValidationError(message % params if params else message, code=code)


def content_matches(kind: str, data: bytes) -> bool:
    """The file's first bytes (whole file for Office packages) are those of a `kind` file."""
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "jpg":
        return data.startswith(b"\xff\xd8\xff")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and OOXML_MAIN_PART[kind] in names


def check_document(*, name: str, size: int, data: bytes, max_bytes: int) -> str:
    """The kind of an acceptable document, or a ValidationError (document.* codes)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise _error(codes.DOCUMENT_TYPE)
    if size == 0:
        raise _error(codes.DOCUMENT_EMPTY)
    if size > max_bytes:
        raise _error(codes.DOCUMENT_SIZE, limit=max_bytes // (1024 * 1024))
    if not content_matches(kind, data):
        raise _error(codes.DOCUMENT_CONTENT, kind=kind.upper())
    return kind
