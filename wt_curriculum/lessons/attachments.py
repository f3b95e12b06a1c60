"""Attachment files: which kinds are accepted, checking that the content matches the name, storing.

Files are kept in app.config["UPLOAD_FOLDER"] (outside the web root) under a
random name; the original name is only used, cleaned, for the download.
"""
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..errors import ValidationError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    signature: bytes
    zip_entry: str | None = None  # an entry an OOXML/ODF file must hold
    odf_mimetype: str | None = None  # what an ODF file's `mimetype` entry says


KINDS = {
    "pdf": FileKind("application/pdf", b"%PDF"),
    "png": FileKind("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     ZIP_SIGNATURE, "word/document.xml"),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     ZIP_SIGNATURE, "xl/workbook.xml"),
    "pptx": FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     ZIP_SIGNATURE, "ppt/presentation.xml"),
    "odt": FileKind("application/vnd.oasis.opendocument.text", ZIP_SIGNATURE,
                    odf_mimetype="application/vnd.oasis.opendocument.text"),
}
ALLOWED_EXTENSIONS_LABEL = "PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT"


def clean_filename(name: str) -> str:
    """The original name without folders, control characters or quotes, at most 200 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>|*?:;')
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _zip_matches(data: bytes, kind: FileKind) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if kind.zip_entry:
                return "[Content_Types].xml" in names and kind.zip_entry in names
            info = archive.getinfo("mimetype")
            if info.file_size > 200:
                return False
            return archive.read(info).decode("ascii", "replace").strip() == kind.odf_mimetype
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, EOFError, NotImplementedError):
        return False


def check_file(filename: str, data: bytes) -> tuple[str, FileKind]:
    """The cleaned name and kind of an upload; ValidationError when it is empty, too big, or not what it says."""
    name = clean_filename(filename)
    ext = extension_of(name)
    kind = KINDS.get(ext)
    if not name or kind is None:
        raise ValidationError(
            _l("This kind of file is not allowed. Allowed: %(kinds)s.", kinds=ALLOWED_EXTENSIONS_LABEL), field="file")
    if not data:
        raise ValidationError(_l("The file is empty."), field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_l("The file is larger than 10 MB."), field="file")
    matches = data.startswith(kind.signature) and (
        kind.signature != ZIP_SIGNATURE or _zip_matches(data, kind))
    if not matches:
        raise ValidationError(
            _l("The content of the file is not a %(kind)s file. Check that you chose the right file.",
               kind=ext.upper()), field="file")
    return name, kind


def read_limited(stream, limit: int = MAX_ATTACHMENT_BYTES) -> bytes:
    """Read at most limit + 1 bytes, so that a too large file is noticed without reading it all."""
    return stream.read(limit + 1)


def store_bytes(folder: str, data: bytes) -> str:
    """Write the bytes under a new random name in the upload folder; return that name."""
    directory = Path(folder)
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(32)
    (directory / stored_name).write_bytes(data)
    return stored_name


def stored_path(folder: str, stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", stored_name):
        raise ValueError("not a stored attachment name")
    return Path(folder) / stored_name
