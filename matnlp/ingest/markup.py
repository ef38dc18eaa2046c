"""Publisher HTML/XML and PDF through ChemDataExtractor's readers, plus metadata and abstracts read from the tree.

CDE gives the body (title, headings, paragraphs, captions) but fills its metadata only for some publishers, and
marks no abstract; both are taken here from a safe lxml parse of the same bytes (JATS/Elsevier/USPTO elements,
HTML ``citation_*``/``dc.*`` meta tags). Security: XML is first parsed strictly with entity resolution, DTD
loading and network access off; a document type that declares entities (XXE, "billion laughs") is refused, so
CDE's own parser never sees one. Malformed XML, and HTML cut off before ``</html>``, are refused too.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator

from chemdataextractor.doc.figure import Figure
from chemdataextractor.doc.table import Table
from chemdataextractor.doc.text import Caption, Heading, Paragraph, Title
from chemdataextractor.errors import ReaderError
from chemdataextractor.reader import (
    AcsHtmlReader, ElsevierXmlReader, HtmlReader, NlmXmlReader, PdfReader, RscHtmlReader, SpringerHtmlReader,
    SpringerJatsReader, UsptoXmlReader, XmlReader,
)
from lxml import etree, html

from ..errors import IngestError
from ..types import Meta
from .base import MAX_PDF_BYTES, Block, Parsed, match_doi

# Most specific first; the generic readers catch the rest.
XML_READERS = (ElsevierXmlReader, NlmXmlReader, SpringerJatsReader, UsptoXmlReader, XmlReader)
HTML_READERS = (AcsHtmlReader, RscHtmlReader, SpringerHtmlReader, HtmlReader)
_KINDS = ((Title, "title"), (Heading, "heading"), (Caption, "caption"), (Paragraph, "paragraph"))


def _lower(attr: str) -> str:
    return f"translate({attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _meta_tag(*names: str) -> str:
    return " | ".join(f"//meta[{_lower('@name')}='{n}']/@content" for n in names)


def _el(path: str) -> str:
    """Descendant XPath over local names, so one expression serves namespaced (Elsevier, JATS 1.3) and plain trees."""
    return "//" + "//".join(f"*[local-name()='{step}']" for step in path.split())


# field -> XPath expressions, first non-empty wins. JATS, Elsevier, USPTO, then HTML meta tags.
FIELDS = {
    "title": [_el("article-meta article-title"), _el("coredata title"), _el("invention-title"),
              _meta_tag("citation_title", "dc.title")],
    "doi": [_el("article-meta article-id") + "[@pub-id-type='doi']", _el("coredata doi"),
            _meta_tag("citation_doi", "dc.identifier")],
    "authors": [_el("contrib") + "[@contrib-type='author']/*[local-name()='name']", _el("coredata creator"),
                _el("inventor addressbook"), _meta_tag("citation_author", "dc.creator")],
    "journal": [_el("journal-meta journal-title"), _el("coredata publicationName"),
                _meta_tag("citation_journal_title")],
    "year": [_el("article-meta pub-date year"), _el("coredata coverDate"),
             _el("publication-reference document-id date"), _meta_tag("citation_publication_date",
                                                                     "citation_date", "dc.date")],
    "abstract": [_el("abstract"), _el("coredata description"),
                 "//*[contains(" + _lower("@class") + ", 'abstract') or contains(" + _lower("@id") + ", 'abstract')]",
                 _meta_tag("citation_abstract", "dc.description")],
}


def read_xml(data: bytes, path) -> Iterator[Parsed]:
    """One paper from publisher XML (Elsevier, JATS/PMC, Springer JATS, USPTO, or any XML)."""
    tree = _safe_xml(data, path)
    found = _metadata(tree)
    for front in tree.xpath(_el("front")):  # JATS front matter: already read as metadata, not body text
        front.getparent().remove(front)
    body = etree.tostring(tree.getroottree(), xml_declaration=True, encoding="utf-8")
    yield _parsed(body, path, found, XML_READERS, ".xml")


def read_html(data: bytes, path) -> Iterator[Parsed]:
    """One paper from publisher HTML (ACS, RSC, Springer, or any HTML)."""
    if not re.search(rb"</html\s*>", data[-4096:], re.IGNORECASE):
        raise IngestError(path, "truncated HTML: no closing </html> tag")
    yield _parsed(data, path, _metadata(html.document_fromstring(data)), HTML_READERS, ".html")


def read_pdf(data: bytes, path) -> Iterator[Parsed]:
    """One paper from a PDF's text layer (paragraphs by layout analysis), with Title/Author from its info dict."""
    if len(data) > MAX_PDF_BYTES:
        raise IngestError(path, f"PDF exceeds limit of {MAX_PDF_BYTES} bytes")
    document = _cde_read(data, path, (PdfReader,), ".pdf")[1]
    info = _pdf_info(data)
    blocks = [Block("paragraph", el.text) for el in document.elements if isinstance(el, Paragraph)]
    title = info.get("Title") or None
    author = info.get("Author", "")
    authors = [a.strip() for a in author.split(";" if ";" in author else ",") if a.strip()]
    yield Parsed(blocks, Meta(title=title, authors=authors))


def _safe_xml(data: bytes, path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(path, f"malformed XML: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise IngestError(path, "XML document type declares entities (refused: external entity / expansion risk)")
    return root


def _cde_read(data: bytes, path, readers, suffix: str):
    fname = f"paper{suffix}"
    with contextlib.redirect_stdout(io.StringIO()):  # some CDE readers print on detection
        reader = next((r for r in (cls() for cls in readers) if r.detect(data, fname=fname)), None)
        if reader is None:
            raise IngestError(path, "no reader accepts this document")
        try:
            return type(reader).__name__, reader.readstring(data)
        except ReaderError as exc:
            raise IngestError(path, f"{type(reader).__name__} failed: {exc}") from None


def _metadata(tree) -> dict[str, list[str]]:
    return {name: _first(tree, exprs, many=name in ("authors", "abstract")) for name, exprs in FIELDS.items()}


def _parsed(data: bytes, path, found: dict[str, list[str]], readers, suffix: str) -> Parsed:
    reader, document = _cde_read(data, path, readers, suffix)
    blocks = list(_blocks(document.elements))
    _mark_abstract(blocks, found["abstract"])
    cde = document.metadata
    meta = Meta(
        doi=match_doi(_one(found["doi"]) or (cde and cde.doi) or ""),
        title=_one(found["title"]) or (cde and cde.title) or None,
        authors=found["authors"] or list((cde and cde.authors) or []),
        journal=_one(found["journal"]) or (cde and cde.journal) or None,
        year=_year(_one(found["year"]) or (cde and cde.date) or ""),
        extra={"reader": reader},
    )
    if meta.title and not any(b.kind == "title" for b in blocks):
        blocks.insert(0, Block("title", meta.title))
    return Parsed(blocks, meta, id=meta.doi)


def _blocks(elements) -> Iterator[Block]:
    for element in elements:
        if isinstance(element, (Figure, Table)):
            if element.caption is not None and element.caption.text.strip():
                yield Block("caption", element.caption.text)
            continue
        kind = next((k for cls, k in _KINDS if isinstance(element, cls)), None)
        if kind and element.text.strip():
            yield Block(kind, element.text)


def _mark_abstract(blocks: list[Block], abstract: list[str]) -> None:
    """Tag the body paragraphs that are the abstract; when the body lacks it, insert it after the title."""
    wanted = {_squash(t) for t in abstract}
    matched = [b for b in blocks if b.kind == "paragraph" and _squash(b.text) and any(
        _squash(b.text) in w for w in wanted)]
    for block in matched:
        block.kind = "abstract"
    if abstract and not matched:
        at = next((i + 1 for i, b in enumerate(blocks) if b.kind == "title"), 0)
        blocks[at:at] = [Block("abstract", t) for t in abstract]


def _first(tree, expressions: list[str], many: bool) -> list[str]:
    for expression in expressions:
        values = [_text(v) for v in tree.xpath(expression)]
        values = [v for v in values if v]
        if values:
            return values if many else values[:1]
    return []


def _text(value) -> str:
    if isinstance(value, str):
        return _squash(value)
    given = value.xpath("*[local-name()='given-names' or local-name()='first-name']//text()")
    surname = value.xpath("*[local-name()='surname' or local-name()='last-name']//text()")
    return _squash(" ".join(given + surname) if surname else "".join(value.itertext()))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _one(values: list[str]) -> str | None:
    return values[0] if values else None


def _year(value: str) -> int | None:
    match = re.search(r"\b(1[89]\d\d|20\d\d)", value)
    return int(match.group(1)) if match else None


def _pdf_info(data: bytes) -> dict[str, str]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    info = resolve1(document.info[0]) if document.info else {}
    return {k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for k, v in info.items()}
