"""Publisher HTML and XML read into structural blocks from a safe lxml tree; PDF through :mod:`.pdf`.

One walker serves every publisher: it knows the element vocabularies (HTML; JATS/NLM, also inside a Springer Nature
API ``<response><records>``; Elsevier full-text XML ``ce:*``/``ja:*``; USPTO) and the class names publishers give
their parts (ACS, RSC, Springer Nature, Elsevier HTML), and turns a paper into blocks:

- **running text**: title, abstract (the first one found in the paper's own structure; the metadata abstract only
  when there is none), headings (number kept apart: ``<label>2.1</label>``, ``"3. Results"``), paragraphs, figure
  and table captions (label kept apart);
- **tables**: caption, header rows, body cells (spans expanded), footnotes (:mod:`.tables`);
- **kept apart**: references (one per item), affiliations, authors, keywords, acknowledgements, footnotes,
  declarations, navigation and page furniture ("Show Compounds", "First published on …"), figure links.

Text: inline elements (``sub``, ``sup``, ``i``, ``b``, ``a``, ``span``, ``ce:inf``, MathML, …) join without a
space, block elements and ``<br>`` separate, whitespace runs in the source collapse to one space (HTML rules), RSC's
character images (``char_2009.gif``) become their character, Elsevier's ``ce:hsp`` a space; superscript citation
and footnote markers (``<sup>1–3</sup>``, ``†``) are dropped. HTML is decoded by its BOM, XML declaration or
``<meta charset>``/``http-equiv`` (UTF-8 preferred when a page labelled Latin-1 is valid UTF-8).

Security: XML is parsed strictly with entity resolution, DTD loading and network access off. A document type whose
internal subset declares general entities, or uses a parameter entity, is refused (XXE, "billion laughs"); one
that only declares parameter entities nothing uses (the Springer Nature API's ``<!ENTITY % article SYSTEM …>``) is
ignored. Malformed XML, and HTML cut off before ``</html>``, are refused; so is an HTML page that is not a paper
(search results, a page of links).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree, html

from ..errors import IngestError
from ..types import Meta
from .base import ABSTRACT_HEADING, MAX_PDF_BYTES, Block, Parsed, RawTable, apart_kind, match_doi
from .tables import read_table

# ------------------------------------------------------------------------------------------------ vocabularies

_HTML_SKIP = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form", "button",
    "input", "select", "option", "textarea", "video", "audio", "map", "head", "link", "meta", "base", "dialog",
    "title", "param", "source", "track", "picture",
})
_HTML_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "tt", "big", "strike", "nobr",
    "label", "math", "img", "ins", "del", "acronym", "blink", "rt", "rp", "ruby",
    # MathML
    "mi", "mn", "mo", "ms", "mtext", "mrow", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover",
    "munder", "munderover", "mstyle", "mspace", "mpadded", "mphantom", "mfenced", "menclose", "semantics",
    "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr", "maligngroup", "malignmark",
})
_XML_INLINE = frozenset({
    "italic", "bold", "sub", "sup", "sc", "underline", "overline", "monospace", "roman", "sans-serif", "strike",
    "xref", "named-content", "styled-content", "inline-formula", "ext-link", "uri", "email", "abbrev",
    "inline-supplementary-material", "hi", "i", "b", "u", "span", "a", "small-caps", "inf", "cross-ref",
    "cross-refs", "inter-ref", "glyph", "smallcaps", "o", "sup", "chem", "math", "page", "phone", "fax",
    "target", "private-char", "fixed-case", "ruby", "rb", "rt", "textfn", "anchor", "float-anchor", "hsp", "vsp",
    "br", "break", "inline-figure", "inline-graphic", "alternatives", "tex-math", "annotation", "annotation-xml",
    "italic-style", "maths", "img", "chemistry", "disp-formula", "formula", "mml",
}) | _HTML_INLINE
_XML_SKIP = frozenset({
    "journal-meta", "article-categories", "pub-date", "volume", "issue", "fpage", "lpage", "elocation-id",
    "article-id", "permissions", "custom-meta-group", "self-uri", "related-article", "counts", "trans-abstract",
    "sub-article", "response-meta", "apimessage", "query", "apikey", "result", "facets", "coredata", "scopus-id",
    "scopus-eid", "pubmed-id", "link", "meta", "item-info", "dochead", "miscellaneous", "us-bibliographic-data-grant",
    "us-bibliographic-data-application", "drawings", "copyright", "processing-meta", "issue-title", "isbn",
    "product", "supplement", "conference", "funding-group", "article-version", "pub-history", "subtitle",
    "date-received", "date-revised", "date-accepted", "date-published", "tex-math", "graphic", "media",
    "inline-graphic", "annotation", "annotation-xml", "stereochem", "inter-refs", "e-component", "object",
    "attachments", "document-thread", "author", "contrib", "collaboration", "list-of-authors",
    "trans-title-group", "alt-title", "fn-type", "article-footnote", "label-text",
})
_BREAKS = frozenset({"br", "break", "vsp"})
_SPACES = frozenset({"hsp"})
_MARKER_TEXT = re.compile(r"^[\s\[\]()]*(?:[\d,;\s–—\-−]+|[a-z]{1,2}|[*†‡§¶#∥‖]+)[\s\[\]()]*$")
_CITATION_HREF = re.compile(r"^#(?:cit|ref|bib|fn|en|cr|b\d|c\d|r\d|bb|tfn|tblfn|aff|cor)|^#\w*fn\w*$",
                            re.IGNORECASE)
_CITATION_REFID = re.compile(r"^(?:bib|bb|b\d|br|fn|tblfn|tfn|aff|af|cor|cr|ref|r\d|CR\d)", re.IGNORECASE)
_RSC_CHAR = re.compile(r"char_([0-9a-fA-F]{4,5})\.gif")

_REFERENCES = re.compile(r"(?:^|[\s_-])(?:references?|ref-?list|ref_list|reflist|bibliography|citation-list|"
                         r"c-article-references|article-section__references|nlm_ref-list|references-list|"
                         r"bib-reference|ref-section|backmatter-references)(?:$|[\s_-])")
_ACK = re.compile(r"(?:^|[\s_-])(?:ack|acknowledge?ments?|acknowledgments?|nlm_ack)(?:$|[\s_-])")
_AFFILIATION = re.compile(r"(?:^|[\s_-])(?:aff\d*|affiliations?|author-affiliations?|affiliation-list|"
                          r"c-article-author-affiliation\w*|loa-affiliations?)(?:$|[\s_-])")
_ABSTRACT = re.compile(r"abstract")
_NOT_ABSTRACT = re.compile(r"graphical|teaser|abstract-?link|abstract-?image|citationabstract|casabstract|"
                           r"cas_abstract|toc|abstract-?button|showabstract|abstract-?toggle|abstract-?img|abstract-?figure")
_HIGHLIGHTS = re.compile(r"highlights")
_KEYWORDS = re.compile(r"(?:^|[\s_-])(?:keywords?|kwd-group|kwd|key-words|article-keywords?)(?:$|[\s_-])")
_AUTHORS = re.compile(r"(?:^|[\s_-])(?:loa|authors?|author-list|authors-list|author-group|contrib-group|"
                      r"c-article-author-list|hlfld-contribauthor|author-names|article-header__authors|"
                      r"authorgroup)(?:$|[\s_-])")
_FIGURE = re.compile(r"(?:^|[\s_-])(?:image_table|figure|fig|article__inlinefigure|c-article-section__figure|"
                     r"figure-wrap|fig-wrap|figure-container|figures|graphic)(?:$|[\s_-])")
_TABLE_WRAP = re.compile(r"(?:^|[\s_-])(?:rtable__wrapper|table-wrap|table_wrap|nlm_table-wrap|c-article-table|"
                         r"tables?|table-container|article-table-content|tablewrap)(?:$|[\s_-])")
_NOT_TABLE = re.compile(r"toc|contents|of-contents|table-of")
_TABLE_CAPTION = re.compile(r"(?:^|[\s_-])(?:table_caption|table-caption|tablecaption|nlm_caption)(?:$|[\s_-])")
_HISTORY = re.compile(r"(?:^|[\s_-])(?:art-admin|history|pub-history|article-history|pub-dates?)(?:$|[\s_-])")
_NAVIGATION = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|breadcrumbs?|menu|toolbar|share|social|cookie|banner|skip|pagination|"
    r"sidebar|related|recommended|advert|ads|left_head|article-tools|article_header-links|figurelinks|figure-links|"
    r"figure-viewer|citationlinks|anchors|metrics|altmetric|downloads?|cite-this|c-article-metrics|c-header|"
    r"c-footer|u-hide|sr-only|visually-hidden|hidden|btn|button|compounds|pill|tabs|accordion-tabs|footer|"
    r"header-links|jump-to|article-nav|site-header|site-footer|global-header|crossmark|pdf-link|page-furniture)"
    r"(?:$|[\s_-])")
# The journal/issue line and citation boxes of a page header ("J. Mater. Chem. A, 2019, 7, 6001-6010").
_CITATION_LINE = re.compile(r"(?:^|[\s_-])(?:article_info|article-info|article_header-cite|article-citation|cit-title|"
                            r"journal-info|issue-info|citation-line|article__citation|c-article-info-details)"
                            r"(?:$|[\s_-])")
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title_heading|articletitle|article-title|article_header-title|"
                          r"c-article-title|title-text|citation__title|hlfld-title)(?:$|[\s_-])")
_FURNITURE = re.compile(
    r"^(?:show compounds|hide compounds|check for updates|view article online|view journal|download pdf|"
    r"view pdf|open in figure viewer|powerpoint|google scholar|crossref|pubmed|cas|article options|cite this|"
    r"export citation|download citation|rights and permissions|reprints and permissions|full text|"
    r"this article is part of the themed collection.*|you have access|open access|journal homepage|"
    r"issue contents|article information|abstract|jump to|back to top|go to article|see also|"
    r"previous article|next article|view all|show more|show less|expand|collapse|menu|search|share|"
    r"download figure|download table|high-res image|open in new tab|view larger image|view full size)\W*$",
    re.IGNORECASE)
_HISTORY_TEXT = re.compile(r"^(?:first published(?: on)?|received|accepted|revised|published(?: online)?|"
                           r"available online|version of record)\b", re.IGNORECASE)
_SEARCH_PAGE = re.compile(r"\bsearch results?\b|\bresults for\b|\bsearch\b.*\bresults?\b", re.IGNORECASE)
_LABEL = re.compile(r"^\s*((?:Fig(?:ure)?s?|Scheme|Chart|Plate|Table|Graph|Box|Supplementary (?:Fig(?:ure)?|Table))"
                    r"\.?\s*[A-Z]?\d+[a-z]?|Table [IVX]+)\s*[.:|]?\s*", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f]+")

# ------------------------------------------------------------------------------------------------ metadata


def _lower(attr: str) -> str:
    return f"translate({attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _meta_tags(*names: str) -> list[str]:
    """One XPath per meta name (first name with a value wins; several names are never merged)."""
    return [f"//meta[{_lower('@name')}='{n}' or {_lower('@property')}='{n}']/@content" for n in names]


def _el(path: str) -> str:
    """Descendant XPath over local names, relative to the paper's root."""
    return ".//" + "//".join(f"*[local-name()='{step}']" for step in path.split())


XML_FIELDS = {
    "title": [_el("article-meta title-group article-title"), _el("coredata title"), _el("head title"),
              _el("invention-title")],
    "doi": [_el("article-meta article-id") + "[@pub-id-type='doi']", _el("coredata doi")],
    "authors": [_el("article-meta contrib") + "[@contrib-type='author']/*[local-name()='name' or "
                "local-name()='string-name' or local-name()='collab']", _el("coredata creator"),
                _el("inventor addressbook"), _el("applicant addressbook")],
    "journal": [_el("journal-meta journal-title"), _el("coredata publicationName")],
    "year": [_el("article-meta pub-date year"), _el("coredata coverDate"),
             _el("publication-reference document-id date")],
    "abstract": [_el("coredata description")],
}
HTML_FIELDS = {
    "title": _meta_tags("citation_title", "dc.title", "og:title"),
    "doi": _meta_tags("citation_doi", "dc.identifier", "prism.doi"),
    "authors": _meta_tags("citation_author", "dc.creator", "author"),
    "journal": _meta_tags("citation_journal_title", "prism.publicationname", "citation_conference_title"),
    "year": _meta_tags("citation_publication_date", "citation_date", "citation_online_date", "dc.date",
                       "prism.publicationdate"),
    "abstract": _meta_tags("citation_abstract", "dc.description"),
}
_PAPER_META = _meta_tags("citation_title", "dc.title", "citation_doi", "dc.identifier", "prism.doi")


def _first(tree, expressions: list[str], many: bool) -> list[str]:
    for expression in expressions:
        values = [_value_text(v) for v in tree.xpath(expression)]
        values = list(dict.fromkeys(v for v in values if v))  # ordered, without repeats
        if values:
            return values if many else values[:1]
    return []


def _value_text(value) -> str:
    if isinstance(value, str):
        return _squash(value)
    given = value.xpath("*[local-name()='given-names' or local-name()='first-name' or local-name()='given-name']"
                        "//text()")
    surname = value.xpath("*[local-name()='surname' or local-name()='last-name']//text()")
    return _squash(" ".join(given + surname) if surname else _inline_text(value))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _one(values: list[str]) -> str | None:
    return values[0] if values else None


def _year(value: str) -> int | None:
    match = re.search(r"\b(1[89]\d\d|20\d\d)", value)
    return int(match.group(1)) if match else None


def _nospace(text: str) -> str:
    return "".join(text.split()).casefold()


_SPACED_SUBSCRIPT = re.compile(r"(?<![\w.])((?:[A-Z][a-z]?\d*(?:\.\d+)?)*[A-Z][a-z]?) (\d+(?:\.\d+)?|[xyzδ])"
                               r"(?=[\s,;:)/–-]|$)")
_SPLIT_FORMULA = re.compile(r"(?<![\w.])((?:[A-Z][a-z]?\d*(?:\.\d+)?)*[A-Z][a-z]?(?:\d+(?:\.\d+)?|[xyzδ])) "
                            r"(?=(?:[A-Z][a-z]?(?:\d+(?:\.\d+)?|[xyzδ])?)+(?:[\s,;:)/–-]|$))")


def repair_title(title: str) -> str:
    """A ``citation_title`` whose subscripts became separate words (``"Fe 3 O 4 nanoparticles"``, ``"TiO 2"``)
    with its formulas joined again (``"Fe3O4 nanoparticles"``, ``"TiO2"``); titles without such a split pass."""
    if not re.search(r"[A-Z][a-z]? \d", title):
        return title
    joined = _SPACED_SUBSCRIPT.sub(r"\1\2", title)
    previous = None
    while previous != joined:
        previous, joined = joined, _SPLIT_FORMULA.sub(r"\1", joined)
    return joined

# ------------------------------------------------------------------------------------------------ parsing


def _safe_xml(data: bytes, path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(path, f"malformed XML: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        names = {entity.name for entity in dtd.iterentities()}
        if names and not _unused_parameter_entities(data, names):
            raise IngestError(path, "XML document type declares entities (refused: external entity / expansion risk)")
    return root


_SUBSET = re.compile(rb"<!DOCTYPE\s[^\[>]*\[(?P<subset>.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_DECLARATION = re.compile(rb"<!ENTITY\s+(?P<percent>%\s+)?(?P<name>[^\s%;\"'>]+)\s", re.IGNORECASE)
_LITERAL = re.compile(rb"\"[^\"]*\"|'[^']*'")


def _unused_parameter_entities(data: bytes, names: set[str]) -> bool:
    """Whether the internal DTD subset only declares parameter entities (``<!ENTITY % name …>``) that nothing in
    the subset references (``%name;``): harmless, as neither the parser nor the reader resolves anything."""
    match = _SUBSET.search(data[:65536])
    if not match:
        return False
    subset = match.group("subset")
    declared = _DECLARATION.findall(subset)
    if not declared or any(not percent for percent, _ in declared):
        return False
    if {name.decode("utf-8", "replace") for _, name in declared} != names:
        return False
    outside_literals = _LITERAL.sub(b"", subset)
    return b"%" not in outside_literals.replace(b"<!ENTITY %", b"").replace(b"<!ENTITY  %", b"") and \
        b"&" not in outside_literals


_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.IGNORECASE)


def html_encoding(data: bytes) -> str:
    """Encoding of an HTML page: BOM, XML declaration, ``<meta charset>``/``http-equiv``; UTF-8 when the page is
    valid UTF-8 but labelled Latin-1/cp1252 (a common mislabel) or unlabelled; cp1252 otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:8192]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    declared = None
    if match:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            declared = None
    if declared and declared not in ("latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii"):
        try:
            data.decode(declared)
            return declared
        except UnicodeDecodeError:
            pass
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return declared or "cp1252"


def _html_tree(data: bytes, path) -> etree._Element:
    text = data.decode(html_encoding(data), "replace")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise IngestError(path, "empty HTML document")
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(path, f"malformed HTML: {exc}") from None

# ------------------------------------------------------------------------------------------------ text


def _local(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def _classes(element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower().strip()


def _ws(text: str | None) -> str:
    return _WS.sub(" ", text) if text else ""


def _is_marker(element) -> bool:
    """A citation or footnote marker to drop: a superscript (or footnote-sign) link to a reference or note."""
    name = _local(element)
    text = "".join(element.itertext())
    if len(text) > 24 or not _MARKER_TEXT.match(text or " "):
        return False
    if name == "a":
        href = element.get("href") or ""
        if not _CITATION_HREF.match(href):
            return False
    elif name == "xref":
        if element.get("ref-type") not in ("bibr", "fn", "table-fn", "author-notes", "corresp", "aff", "other"):
            return False
    elif name in ("cross-ref", "cross-refs"):
        if not _CITATION_REFID.match((element.get("refid") or "").split(" ")[0]):
            return False
    else:
        return False
    if re.search(r"[*†‡§¶#∥‖]", text):
        return True
    if any(_local(d) in ("sup",) for d in element.iter()):
        return True
    parent = element.getparent()
    return parent is not None and _local(parent) == "sup" and not (name == "xref" and element.get("ref-type") == "bibr"
                                                                    and "[" in (parent.text or ""))


def _is_marker_sup(element) -> bool:
    """A ``<sup>`` holding only citation markers and separators (``<sup><xref>1</xref>,<xref>2</xref></sup>``)."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or not all(_local(c) in ("a", "xref", "cross-ref", "cross-refs") and _is_marker(c)
                                for c in children):
        return False
    loose = (element.text or "") + "".join(c.tail or "" for c in children)
    return not loose.strip(" ,;–—-−[]()")


_NEVER_TEXT = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "button", "input",
                         "tex-math", "annotation", "annotation-xml", "float-anchor", "inline-graphic", "graphic",
                         "media", "select", "textarea"})


def _drop_inline(element) -> bool:
    name = _local(element)
    if name in _NEVER_TEXT:
        return True
    if name in ("a", "xref", "cross-ref", "cross-refs"):
        return _is_marker(element)
    if name in ("sup", "inf") and len(element):
        return _is_marker_sup(element)
    return False


def _short_text(element, limit: int) -> str | None:
    """The squashed text of ``element`` when it is at most ``limit`` characters, else None (stops reading early)."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > 3 * limit:
            return None
        pieces.append(piece)
    text = _squash("".join(pieces))
    return text if len(text) <= limit else None


def _img_char(element) -> str:
    match = _RSC_CHAR.search(element.get("src") or "")
    if match:
        try:
            return chr(int(match.group(1), 16))
        except (ValueError, OverflowError):
            return ""
    return ""


def _text_into(element, out: list[str], inline_tags: frozenset) -> None:
    """Append the text of ``element``'s content (not its tail): inline children joined, block children and
    breaks separated by a line break."""
    if element.text and isinstance(element.tag, str):
        out.append(_ws(element.text))
    for child in element:
        if isinstance(child.tag, str) and not _drop_inline(child):
            _child_into(child, out, inline_tags)
        if child.tail:
            out.append(_ws(child.tail))


def _child_into(child, out: list[str], inline_tags: frozenset) -> None:
    """Append the text of one (not dropped) child element, inline or block, without its tail."""
    name = _local(child)
    if name in _BREAKS:
        out.append("\n")
    elif name in _SPACES:
        out.append(" ")
    elif name == "img":
        out.append(_img_char(child))
    elif name in inline_tags:
        _text_into(child, out, inline_tags)
    elif name in ("td", "th", "entry"):
        out.append(" ")
        _text_into(child, out, inline_tags)
        out.append(" ")
    else:
        out.append("\n")
        _text_into(child, out, inline_tags)
        out.append("\n")


def _inline_text(element, inline_tags: frozenset = _XML_INLINE) -> str:
    out: list[str] = []
    _text_into(element, out, inline_tags)
    return "".join(out).strip()


def _flat_without_labels(element, inline_tags: frozenset) -> str:
    """Like :func:`_flat`, without the ``label`` elements (affiliation letters, footnote marks)."""
    out: list[str] = [_ws(element.text)] if element.text else []
    for child in element:
        if isinstance(child.tag, str) and _local(child) != "label" and not _drop_inline(child):
            _child_into(child, out, inline_tags)
        if child.tail:
            out.append(_ws(child.tail))
    return _squash("".join(out))


def _flat(element, inline_tags: frozenset) -> str:
    """All text of ``element`` on one line (for items kept apart: a reference, an affiliation)."""
    return _squash(_inline_text(element, inline_tags))

# ------------------------------------------------------------------------------------------------ walker


class _Walker:
    """Turns one paper's tree into blocks; ``html`` selects the HTML vocabulary, else the XML ones."""

    def __init__(self, is_html: bool):
        self.html = is_html
        self.inline = _HTML_INLINE if is_html else _XML_INLINE
        self.blocks: list[Block] = []
        self.title_seen = False
        self.abstract_seen = False
        self.in_abstract = False
        self.pending_caption: tuple[str | None, str] | None = None
        self.deferred: list = []

    # -- output
    def emit(self, kind: str, text: str, **fields) -> None:
        if text.strip():
            if kind == "paragraph" and self.in_abstract:
                kind = "abstract"
            self.blocks.append(Block(kind, text, **fields))

    def text(self, element) -> str:
        return _inline_text(element, self.inline)

    def flat(self, element, labels: bool = True) -> str:
        return _flat(element, self.inline) if labels else _flat_without_labels(element, self.inline)

    # -- roles
    def role(self, element) -> str:
        return self._html_role(element) if self.html else self._xml_role(element)

    def _html_role(self, el) -> str:
        name = _local(el)
        if not name or name in _HTML_SKIP or el.get("hidden") is not None or re.search(
                r"display\s*:\s*none", el.get("style") or "", re.IGNORECASE):
            return "skip"
        if name == "br":
            return "break"
        if name == "hr":
            return "separator"
        titled = _squash(el.get("data-title") or "")
        if titled and name in ("section", "div"):
            if ABSTRACT_HEADING.match(titled) and not self.abstract_seen:
                return "abstract"
            kind = apart_kind(titled)
            if kind:
                return kind
        cls = _classes(el)
        if cls:
            if _REFERENCES.search(cls) and name in ("ol", "ul", "div", "section", "dl", "table"):
                return "references"
            if _ACK.search(cls) and name in ("div", "section", "p"):
                return "acknowledgements"
            if "header_text" in cls:
                return "header_text"
            if _AFFILIATION.search(cls):
                return "affiliations"
            if _ABSTRACT.search(cls) and name in ("div", "section", "p", "article"):
                if _HIGHLIGHTS.search(cls):
                    return "highlights"
                if not _NOT_ABSTRACT.search(cls):
                    return "abstract"
            if _KEYWORDS.search(cls):
                return "keywords"
            if _AUTHORS.search(cls) and name not in ("h1", "h2", "p") and not _TITLE_CLASS.search(cls):
                return "authors"
            if _HISTORY.search(cls):
                return "history"
            if _TABLE_CAPTION.search(cls):
                return "table_caption"
            if _FIGURE.search(cls) and name in ("div", "figure", "section", "table"):
                return "figure"
            if _TABLE_WRAP.search(cls) and not _NOT_TABLE.search(cls) and name in ("div", "section", "figure"):
                return "table"
            if _NAVIGATION.search(cls) or _CITATION_LINE.search(cls):
                return "navigation"
            if _TITLE_CLASS.search(cls) and name not in ("span", "a"):
                return "title"
        role = (el.get("role") or "").lower()
        if name == "header" and not any(_local(a) in ("article", "main") for a in el.iterancestors()):
            return "navigation"  # the site's page header, not an article header
        if name in ("nav", "footer", "aside") or role in ("navigation", "banner", "contentinfo", "search", "menu",
                                                          "menubar", "toolbar", "tablist"):
            return "navigation"
        if name in ("ol", "ul") and len(el) and all(
                (li.get("id") or "").lower().startswith(("cit", "ref", "bib", "cr")) for li in el[:3]
                if isinstance(li.tag, str)):
            return "references"
        if name == "figure":
            return "figure"
        if name == "table":
            return "table"
        if name == "h1":
            return "title" if not self.title_seen else "heading"
        if name in ("h2", "h3", "h4", "h5", "h6"):
            return "heading"
        if name in ("ol", "ul", "dl"):
            return "list"
        if name in ("p", "div", "span", "a", "li", "section") and len(el) <= 4:
            furniture = self._furniture(el)
            if furniture:
                return furniture
        if name in self.inline:
            return "inline"
        return "container"

    def _furniture(self, el) -> str | None:
        text = _short_text(el, 90)
        if not text:
            return None
        if _FURNITURE.match(text):
            return "navigation"
        if _HISTORY_TEXT.match(text) and len(text) < 90 and re.search(r"\b(?:19|20)\d\d\b", text):
            return "history"
        return None

    def _xml_role(self, el) -> str:
        name = _local(el)
        if not name or name in _XML_SKIP:
            return "skip"
        if name in _BREAKS:
            return "break"
        if name in ("article", "records", "response", "full-text-retrieval-response", "originaltext", "doc",
                    "serial-item", "converted-article", "simple-article", "book-review", "head", "front",
                    "article-meta", "body", "sections", "back", "floats-group", "tail", "description",
                    "us-patent-grant", "us-patent-application", "abstract-sec", "display", "textbox",
                    "appendices", "app-group", "boxed-text", "title-group", "textbox-body", "sec-meta",
                    "description-of-drawings", "table-wrap-group", "fig-group", "list-item", "def-item", "def",
                    "statement", "disp-quote", "verse-group", "caption", "notes-group", "p", "para",
                    "simple-para", "term", "claim-text", "list-item-text"):
            return "container" if name not in ("p", "para", "simple-para") else "paragraph"
        if name in ("sec", "section", "app", "appendix"):
            return "section"
        if name == "floats":
            return "floats"
        if name in ("article-title", "title") and _local(el.getparent()) in ("title-group", "head", "article"):
            return "title"
        if name in ("title", "section-title", "heading"):
            return "heading"
        if name == "label":
            return "skip"
        if name in ("abstract",):
            kind = (el.get("abstract-type") or el.get("class") or "").lower()
            if "highlight" in kind:
                return "highlights"
            if kind in ("graphical", "teaser", "toc", "web-summary", "precis", "editor-summary") or "graphical" in kind:
                return "skip"
            return "abstract"
        if name in ("kwd-group", "keywords"):
            return "keywords"
        if name in ("aff", "affiliation"):
            return "affiliations"
        if name in ("contrib-group", "author-group"):
            return "author_group"
        if name in ("author-notes", "correspondence"):
            return "author_notes"
        if name == "history":
            return "history"
        if name in ("ack", "acknowledgment", "acknowledgement", "acknowledgments", "acknowledgements"):
            return "acknowledgements"
        if name in ("ref-list", "bibliography", "further-reading", "bibliography-sec"):
            return "references"
        if name in ("fn-group", "footnote", "fn"):
            return "footnotes"
        if name in ("notes", "glossary", "nomenclature", "biography", "def-list"):
            return "notes"
        if name in ("supplementary-material",):
            return "supplementary"
        if name in ("claims", "us-claim-statement"):
            return "claims"
        if name in ("fig", "figure", "chem-struct-wrap", "scheme"):
            return "figure"
        if name in ("table-wrap", "table", "tables"):
            return "table"
        if name == "objects":
            return "figure_links"
        if name in ("list", "ordered-list", "unordered-list"):
            return "list"
        if name in self.inline:
            return "inline"
        return "container"

    # -- walking
    def walk(self, element, level: int = 0, skip: tuple = ()) -> None:
        run: list[str] = []

        def flush() -> None:
            text = "".join(run).strip()
            run.clear()
            if text:
                self.emit("paragraph", text)

        if element.text and isinstance(element.tag, str):
            run.append(_ws(element.text))
        for child in element:
            if isinstance(child.tag, str) and not any(child is s for s in skip):
                role = self.role(child)
                if role == "inline":
                    if not _drop_inline(child):
                        _child_into(child, run, self.inline)
                elif role == "break":
                    run.append("\n")
                elif role != "skip":
                    flush()
                    self.handle(child, role, level)
            if child.tail:
                run.append(_ws(child.tail))
        flush()

    def handle(self, el, role: str, level: int) -> None:
        if role in ("container", "paragraph", "separator"):
            if role != "separator":
                self.walk(el, level)
        elif role == "section":
            self.section(el, level + 1)
        elif role == "title":
            text = self.text(el)
            if not self.title_seen and text:
                self.title_seen = True
                self.emit("title", text)
            elif text and not self.in_abstract:
                self.emit("heading", text, level=max(level, 1))
        elif role == "heading":
            text = self.text(el)
            if self.in_abstract:
                return
            name = _local(el)
            lvl = int(name[1]) - 1 if self.html and re.fullmatch(r"h[1-6]", name) else max(level, 1)
            if el.get("level", "").isdigit():
                lvl = int(el.get("level"))
            self.emit("heading", text, level=max(lvl, 1))
        elif role == "abstract":
            if self.abstract_seen or self.in_abstract:
                if self.in_abstract:
                    self.walk(el, level)
                return
            self.abstract_seen = self.in_abstract = True
            try:
                self.walk(el, level)
            finally:
                self.in_abstract = False
        elif role == "list":
            for item in el:
                if isinstance(item.tag, str) and self.role(item) != "skip":
                    self.walk(item, level)
        elif role == "figure":
            self.figure(el)
        elif role == "table":
            self.table(el)
        elif role == "table_caption":
            label, caption = self.caption_parts(el)
            self.pending_caption = (label, caption)
        elif role == "floats":
            self.deferred.append(el)
        elif role == "references":
            self.references(el)
        elif role == "header_text":  # RSC: authors, then one affiliation per line
            lines = [line.strip() for line in self.text(el).split("\n") if line.strip()]
            if lines:
                self.emit("authors", _squash(lines[0]))
                for line in lines[1:]:
                    self.emit("affiliations", _squash(line))
        elif role == "author_group":
            done: list = []
            for child in el.iter():
                if child is el or not isinstance(child.tag, str) or any(a in done for a in child.iterancestors()):
                    continue
                child_role = self._xml_role(child)
                if child_role in ("affiliations", "author_notes", "footnotes"):
                    done.append(child)
                    self.apart(child, child_role)
        elif role == "figure_links":
            for child in el:
                if isinstance(child.tag, str) and (child.text or "").strip():
                    self.emit("figure_link", child.text.strip())
        else:  # a kind kept apart: affiliations, keywords, acknowledgements, navigation, …
            self.apart(el, role)

    def apart(self, el, kind: str) -> None:
        if kind == "keywords":
            words = [self.flat(k) for k in el.iter() if _local(k) in ("kwd", "keyword", "li")]
            self.emit(kind, "; ".join(w for w in words if w) or self.flat(el))
            return
        if kind == "affiliations":
            textfn = next((c for c in el if _local(c) == "textfn"), None)
            self.emit(kind, self.flat(textfn if textfn is not None else el, labels=False))
            return
        if kind == "history" and not self.html:
            dates = [d for d in el.iter() if _local(d) in ("date", "date-received", "date-revised", "date-accepted")]
            if dates:
                for date in dates:
                    parts = {_local(c): (c.text or "").strip() for c in date}
                    year, month, day = (parts.get("year") or date.get("year") or "", parts.get("month") or
                                        date.get("month") or "", parts.get("day") or date.get("day") or "")
                    value = "-".join(f"{int(v):02d}" if v.isdigit() and len(v) < 3 else v for v in (year, month, day)
                                     if v)
                    name = date.get("date-type") or _local(date).replace("date-", "")
                    self.emit(kind, f"{name}: {value}")
                return
        parts = [self.flat(child, labels=False) for child in el if isinstance(child.tag, str) and _local(child) not in (
            "title", "section-title", "h2", "h3", "h4", "label")]
        loose = _squash(_ws(el.text))
        text = _squash(" ".join([loose, *parts])) if (parts or loose) else self.flat(el)
        if kind == "navigation":
            text = self.flat(el)
        self.emit(kind, text)

    def section(self, el, level: int) -> None:
        label = title = None
        for child in el:
            name = _local(child)
            if name == "label" and label is None:
                label = _squash(self.text(child))
            elif name in ("title", "section-title") and title is None:
                title = child
        if title is not None and not self.in_abstract:
            text = self.text(title)
            number = label.rstrip(".") if label else None
            if text:
                self.blocks.append(Block("heading", text, number=number, level=max(level, 1)))
        self.walk(el, level, skip=(title,))

    def caption_parts(self, el) -> tuple[str | None, str]:
        """``(label, caption)`` of a caption element or of a figure/table wrapper."""
        label = None
        for child in el.iter():
            name = _local(child)
            cls = _classes(child) if self.html else ""
            if name == "label" or "caption-label" in cls or "fig-label" in cls or "nlm_label" in cls or (
                    self.html and name in ("b", "strong") and _LABEL.match(_squash("".join(child.itertext())))):
                label = _squash("".join(child.itertext())).rstrip(".:| ")
                break
        captions = [c for c in el.iter() if _local(c) in ("caption", "figcaption") or any(
            k in _classes(c) for k in ("graphic_title", "caption", "figure__caption",
                                       "c-article-section__figure-description"))]
        if not captions:
            return label, ""
        text = _squash(self.text(captions[0]))
        if label and text.startswith(label):
            text = text[len(label):].lstrip(" .:|")
        elif label is None:
            match = _LABEL.match(text)
            if match:
                label, text = match.group(1).rstrip("."), text[match.end():]
        return label, text

    def figure(self, el) -> None:
        label, caption = self.caption_parts(el)
        links = [el2.get(attr) for el2 in el.iter() for attr in (
            "href", "src", "{http://www.w3.org/1999/xlink}href") if el2.get(attr)]
        for link in dict.fromkeys(links):
            if not link.startswith("#"):
                self.emit("figure_link", link)
        if caption:
            self.emit("caption", caption, label=label, of="figure")

    def table(self, el) -> None:
        if self.html and _local(el) == "table":
            cap = next((c for c in el if _local(c) == "caption"), None)
            label, caption = self.caption_parts(cap) if cap is not None else (None, "")
        else:
            label, caption = self.caption_parts(el)
        if self.pending_caption and not caption:
            label, caption = self.pending_caption
        self.pending_caption = None
        raw = read_table(el, self.text)
        footnotes = [self.flat(f) for f in el.iter() if _local(f) in ("table-wrap-foot", "table-footnote") or (
            self.html and any(k in _classes(f) for k in ("table-wrap-foot", "tblfn", "table-foot", "table-footnote")))]
        if raw is None and not caption:
            return
        raw = raw or RawTable()
        raw.footnotes = [f for f in dict.fromkeys(raw.footnotes + footnotes) if f]
        self.blocks.append(Block("table", caption, label=label, of="table", table=raw))

    def references(self, el) -> None:
        items = [c for c in el.iter() if c is not el and _local(c) in ("li", "ref", "bib-reference", "dd")]
        if not items:
            items = [c for c in el if isinstance(c.tag, str) and _local(c) not in (
                "title", "section-title", "h1", "h2", "h3", "h4")]
        top = [i for i in items if not any(a in items for a in i.iterancestors())] if len(items) < 5000 else items
        for item in top:
            self.emit("references", self.flat(item))

    def finish(self) -> list[Block]:
        for floats in self.deferred:
            self.deferred = []
            self.walk(floats)
        if self.pending_caption:
            label, caption = self.pending_caption
            self.emit("caption", caption, label=label, of="table")
        return self.blocks

# ------------------------------------------------------------------------------------------------ readers


def read_xml(data: bytes, path) -> Iterator[Parsed]:
    """Papers from publisher XML: JATS/NLM (PMC, Springer; a Springer Nature API response may hold several
    ``<article>`` records), Elsevier full text, USPTO, or any XML."""
    root = _safe_xml(data, path)
    local = _local(root)
    if local == "response":
        articles = [a for a in root.iter() if _local(a) == "article"]
        if not articles:
            raise IngestError(path, "not a paper: Springer Nature API response without an <article> record")
        reader = "springer-api"
    else:
        articles = [root]
        reader = {"article": "jats", "full-text-retrieval-response": "elsevier", "us-patent-grant": "uspto",
                  "us-patent-application": "uspto"}.get(local, "xml")
        if reader == "xml" and root.xpath(".//*[local-name()='sections' or local-name()='para']"):
            reader = "elsevier"
    for index, article in enumerate(articles):
        yield _xml_paper(article, path, reader, index if len(articles) > 1 else None)


def _xml_paper(article, path, reader: str, record: int | None) -> Parsed:
    found = {name: _first(article, exprs, many=name == "authors") for name, exprs in XML_FIELDS.items()}
    walker = _Walker(is_html=False)
    try:
        walker.walk(article)
        blocks = walker.finish()
    except RecursionError:
        raise IngestError(path, "document nested too deeply") from None
    meta = Meta(
        doi=match_doi(_one(found["doi"]) or ""),
        title=_one(found["title"]),
        authors=found["authors"],
        journal=_one(found["journal"]),
        year=_year(_one(found["year"]) or ""),
        extra={"reader": reader},
    )
    abstract = [_strip_abstract_word(a) for a in found["abstract"]]
    return _finish(blocks, meta, abstract, record)


def read_html(data: bytes, path) -> Iterator[Parsed]:
    """One paper from publisher HTML (ACS, RSC, Springer Nature, Elsevier, or any HTML)."""
    if not re.search(rb"</html\s*>", data[-4096:], re.IGNORECASE):
        raise IngestError(path, "truncated HTML: no closing </html> tag")
    root = _html_tree(data, path)
    found = {name: _first(root, exprs, many=name == "authors") for name, exprs in HTML_FIELDS.items()}
    body = root.find("body")
    walker = _Walker(is_html=True)
    try:
        walker.walk(body if body is not None else root)
        blocks = walker.finish()
    except RecursionError:
        raise IngestError(path, "document nested too deeply") from None
    _not_a_paper(root, body, blocks, path)
    doi = match_doi(_one(found["doi"]) or "")
    meta = Meta(doi=doi, title=_one(found["title"]), authors=found["authors"], journal=_one(found["journal"]),
                year=_year(_one(found["year"]) or ""), extra={"reader": _publisher(root, doi)})
    yield _finish(blocks, meta, [_strip_abstract_word(a) for a in found["abstract"][:1]], None)


def _publisher(root, doi: str | None) -> str:
    names = " ".join(root.xpath("//meta[" + _lower("@name") + "='dc.publisher' or " + _lower("@name") +
                                "='citation_publisher' or " + _lower("@name") + "='twitter:site']/@content")).lower()
    prefix = (doi or "").split("/")[0]
    if prefix == "10.1039" or "royal society of chemistry" in names:
        return "rsc"
    if prefix == "10.1021" or "american chemical society" in names:
        return "acs"
    if prefix in ("10.1007", "10.1038", "10.1186") or "springer" in names or "nature" in names:
        return "springer"
    if prefix == "10.1016" or "elsevier" in names:
        return "elsevier-html"
    return "html"


def _not_a_paper(root, body, blocks: list[Block], path) -> None:
    """Refuse a search-results page or a page of links that carries no paper metadata."""
    if root.xpath(" | ".join(_PAPER_META)):
        return
    titles = [_squash(t) for t in root.xpath("//title//text()")] + [b.text for b in blocks if b.kind == "title"]
    title = next((t for t in titles if t), "")
    if title and _SEARCH_PAGE.search(title):
        raise IngestError(path, f"not a paper: search results page ({title[:80]!r})")
    if body is None:
        return
    total = len(_squash(" ".join(body.itertext())))
    links = sum(len(_squash(" ".join(a.itertext()))) for a in body.iter("a"))
    if total > 500 and links > 0.6 * total:
        raise IngestError(path, f"not a paper: a page of links ({round(100 * links / total)}% of its text)")


def _strip_abstract_word(text: str) -> str:
    return re.sub(r"^\s*(?:abstract|summary)\s*[:.]?\s+", "", text, flags=re.IGNORECASE)


def _finish(blocks: list[Block], meta: Meta, abstract: list[str], record: int | None) -> Parsed:
    """Title and abstract settled between the body and the metadata; the paper's Parsed."""
    body_title = next((b for b in blocks if b.kind == "title"), None)
    if body_title is not None:
        if not meta.title or _nospace(meta.title) == _nospace(body_title.text) or not _nospace(meta.title):
            meta.title = _squash(body_title.text)
    elif meta.title:
        meta.title = repair_title(meta.title)
        blocks.insert(0, Block("title", meta.title))
    if abstract and not any(b.kind == "abstract" for b in blocks):
        wanted = {_nospace(a) for a in abstract}
        same = [b for b in blocks if b.kind == "paragraph" and len(_nospace(b.text)) >= 20 and
                _nospace(b.text) in wanted]
        for block in same:
            block.kind = "abstract"
        if not same:
            at = next((i + 1 for i, b in enumerate(blocks) if b.kind == "title"), 0)
            blocks[at:at] = [Block("abstract", a) for a in abstract if a.strip()]
    return Parsed(blocks, meta, id=meta.doi, record=record)


def read_pdf(data: bytes, path) -> Iterator[Parsed]:
    """One paper from a PDF's text layer (see :mod:`.pdf`)."""
    from .pdf import read_pdf_paper

    if len(data) > MAX_PDF_BYTES:
        raise IngestError(path, f"PDF exceeds limit of {MAX_PDF_BYTES} bytes")
    yield read_pdf_paper(data, path)
