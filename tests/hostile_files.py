"""Hostile files built on the spot, for the one upload check every page uses.

Each is something a black-box test got past, or could have: a file that is both a web page with
a script and a PDF that opens, Office files carrying a macro project, an image hiding a script.
"""

import io
import zipfile

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.reports.documents import docx, pdf

SCRIPT_PAGE = b"<html><body><script>fetch('/p/').then(r => r.text()).then(alert)</script></body></html>\n"


def html_pdf_polyglot():
    """A web page with a script placed before a real PDF's header, behind a header line and a comment.

    A PDF reader opens it (it finds the real cross-reference table from the end); a browser that
    sniffs it, or anything serving it as text/html, runs the script.
    """
    return b"%PDF-1.7\n%" + SCRIPT_PAGE + pdf(["The real page"])


def pdf_with_page_after_eof():
    """A real PDF with a web page and its script after its end."""
    return pdf(["The real page"]) + SCRIPT_PAGE


def page_before_pdf():
    """A web page first, then a real PDF: what a PDF reader tolerates but the header check refuses."""
    return SCRIPT_PAGE + pdf(["The real page"])


def docx_with_macro_project():
    """A Word document (.docx by name) that carries word/vbaProject.bin."""
    return docx(["Summary of the practice"], macros="part")


def docm():
    """A macro-enabled Word document (.docm): its main part declared macro-enabled."""
    return docx(["Summary of the practice"], macros="content type")


def xlsm():
    """An Excel workbook carrying xl/vbaProject.bin."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro project")
    return buffer.getvalue()


def png_with_script():
    """A PNG that opens, with a web page and its script in a text chunk."""
    info = PngInfo()
    info.add_text("Comment", SCRIPT_PAGE.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()
