"""Reading the text of uploaded and imported files, as spreadsheet programs write them."""


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, codec): UTF-8 with or without a BOM ("utf-8-sig" / "utf-8"), else Windows-1252 ("cp1252").

    Windows-1252 is tried only when the bytes are not valid UTF-8 (Dutch Excel and DUO's older files
    write it). Raises UnicodeDecodeError when the bytes are neither.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"
    return text, "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"


def upload_name(filename: str | None, default: str) -> str:
    """The last part of an uploaded file's name (browsers may send a whole Windows path), at most 100 characters."""
    return (filename or default).replace("\\", "/").rsplit("/", 1)[-1][:100]
