"""The files a release serves for download: their kinds, media types and checksums, written byte-exactly.

Every downloadable file is a `FileEntry`: its public name (the last segment of /downloads/<name> and
/releases/<version>/<name>), where it sits in the release folder, and the size and SHA-256 of its bytes.
Served files are never rewritten on the way out, so the size and checksum in the catalog hold for what
a client receives. Gzip variants are written with a zero timestamp, so equal input gives equal bytes.
"""
from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..formats import by_name

DOWNLOADS_DIR = "downloads"     # inside a release folder
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
GZIP = "application/gzip"


@dataclass(frozen=True)
class FileKind:
    """A kind of downloadable file: what to send as Content-Type and how catalogs name its format."""

    name: str
    media_type: str
    label: str            # human name, also ファイル_形式 in the オープンデータ一覧
    eu_file_type: str     # EU file-type authority code, for dcterms:format
    extension: str


def _rdf(name: str, label: str, eu: str) -> FileKind:
    fmt = by_name(name)
    return FileKind(name, fmt.media_type, label, eu, fmt.extension)


KINDS: dict[str, FileKind] = {k.name: k for k in (
    _rdf("turtle", "Turtle", "RDF_TURTLE"),
    _rdf("ntriples", "N-Triples", "RDF_N_TRIPLES"),
    _rdf("jsonld", "JSON-LD", "JSON_LD"),
    _rdf("rdfxml", "RDF/XML", "RDF_XML"),
    _rdf("trig", "TriG", "RDF_TRIG"),
    _rdf("nquads", "N-Quads", "RDF_N_QUADS"),
    FileKind("csv", "text/csv", "CSV", "CSV", ".csv"),
    FileKind("csvw", "application/csvm+json", "CSVW", "JSON", ".json"),
    FileKind("json", "application/json", "JSON", "JSON", ".json"),
    FileKind("context", "application/ld+json", "JSON-LD", "JSON_LD", ".jsonld"),
    FileKind("sha256sums", "text/plain", "SHA256SUMS", "TXT", ""),
    FileKind("html", "text/html", "HTML", "HTML", ".html"),
)}


@dataclass
class FileEntry:
    name: str                    # public name: /downloads/<name>
    path: str                    # relative to the release folder
    kind: str                    # key of KINDS
    dataset: str                 # "all" (the whole dataset) or a graph name (groups, projects, ...)
    title: dict                  # {"ja": ..., "en": ...}
    size: int = 0
    sha256: str = ""
    compressed: bool = False     # a gzip of the file named without ".gz"
    distribution: bool = True    # False for documents about the distributions (catalog, VoID, index)
    last_changed: str = ""       # ISO date of the release where these bytes first appeared
    first_published: str = ""    # ISO date of the first release that had a file of this name
    extra: dict = field(default_factory=dict)

    @property
    def file_kind(self) -> FileKind:
        return KINDS[self.kind]

    @property
    def served_type(self) -> str:
        """The media type the bytes are served with (gzip for compressed variants)."""
        return GZIP if self.compressed else self.file_kind.media_type

    @property
    def content_type(self) -> str:
        served = self.served_type
        if served == "text/csv":
            return "text/csv; charset=utf-8; header=present"
        return f"{served}; charset=utf-8" if served.startswith("text/") else served

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "FileEntry":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, zero timestamp."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_entry(release: Path, entry: FileEntry, data: bytes) -> FileEntry:
    """Write the bytes where the entry says and record their size and checksum."""
    target = release / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    target.chmod(0o644)
    entry.size, entry.sha256 = len(data), digest(data)
    return entry


def record_entry(release: Path, entry: FileEntry) -> FileEntry:
    """An entry for a file another part of the build already wrote (kyodo.trig, kyodo.nq)."""
    data = (release / entry.path).read_bytes()
    entry.size, entry.sha256 = len(data), digest(data)
    return entry


def add_with_gzip(release: Path, entries: list[FileEntry], entry: FileEntry, data: bytes | None) -> None:
    """The file (written unless data is None) and its .gz variant, both recorded."""
    if data is None:
        record_entry(release, entry)
        data = (release / entry.path).read_bytes()
    else:
        write_entry(release, entry, data)
    entries.append(entry)
    title = {lang: f"{text}（gzip）" if lang == "ja" else f"{text} (gzip)" for lang, text in entry.title.items()}
    packed = FileEntry(entry.name + ".gz", _gz_path(entry.path, entry.name), entry.kind, entry.dataset, title,
                       compressed=True)
    entries.append(write_entry(release, packed, gzip_bytes(data)))


def _gz_path(path: str, name: str) -> str:
    """downloads/<name>.gz; for files outside downloads/ (kyodo.trig), the .gz goes into downloads/."""
    if path.startswith(DOWNLOADS_DIR + "/"):
        return path + ".gz"
    return f"{DOWNLOADS_DIR}/{name}.gz"


def sha256sums(entries: list[FileEntry]) -> bytes:
    """GNU coreutils format (`sha256sum -c SHA256SUMS` checks a folder of the downloaded files)."""
    lines = [f"{e.sha256}  {e.name}\n" for e in sorted(entries, key=lambda e: e.name)]
    return "".join(lines).encode("utf-8")
