"""Stamping every page of a PDF for one reader: their name, the date and a label, over the page's own content."""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from core.pdfs import render_pdf


def stamp_pdf(data, template_name, context):
    """Lay a stamp over every page, each size of page getting a stamp of its own size.

    The stamp is `template_name` rendered with `context` plus the page's `width` and `height` in
    points; every document stamped for a reader (the summary, the draft report) comes through here.

    The stamp is a form XObject drawn by a short content stream added after the page's own, so
    the page's content is kept byte for byte and never parsed (pypdf's merge_page parses it,
    which costs about 30 ms a page). The new pages replace the old: the file has no earlier
    revision from which an unstamped copy could be recovered.
    """
    writer = PdfWriter(clone_from=io.BytesIO(data))
    forms = {}
    for page in writer.pages:
        if page.rotation:
            # Turn the content instead of the page, so the stamp reads upright.
            page.transfer_rotation_to_content()
        box = page.mediabox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        if size not in forms:
            forms[size] = (NameObject(f"/ConveneStamp{len(forms)}"), _stamp_form(writer, template_name, context, *size))
        name, form = forms[size]
        _page_xobjects(page)[name] = form
        raw = page.raw_get("/Contents") if "/Contents" in page else None
        if raw is None:
            own = []
        elif isinstance(raw.get_object(), ArrayObject):
            own = list(raw.get_object())
        else:
            own = [raw]
        # Readers join a page's streams without a separator, hence the newlines around each.
        draw = f"\nQ /Artifact BMC q 1 0 0 1 {float(box.left):.2f} {float(box.bottom):.2f} cm {name} Do Q EMC\n"
        page[NameObject("/Contents")] = ArrayObject([_stream(writer, b"q\n"), *own, _stream(writer, draw.encode())])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _stream(writer, data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _page_xobjects(page):
    """The page's /XObject resources, made the page's own if it inherited them from its parents."""
    node = page
    while "/Resources" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    resources = node.get("/Resources")
    resources = DictionaryObject() if resources is None else resources.get_object()
    if node is not page:
        resources = DictionaryObject(resources)
        page[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = resources[NameObject("/XObject")] = DictionaryObject()
    return xobjects.get_object()


def _stamp_form(writer, template_name, context, width, height):
    """The stamp, rendered by WeasyPrint at the page's size, as a form XObject in `writer`."""
    context = context | {"width": width, "height": height}
    page = PdfReader(io.BytesIO(render_pdf(template_name, context))).pages[0]
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(value) for value in page.mediabox),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())
