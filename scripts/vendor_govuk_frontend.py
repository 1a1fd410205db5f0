"""Vendor govuk-frontend's compiled files into static/govuk/ without GOV.UK's own identity.

Usage: npm pack govuk-frontend@5.14.0 && python scripts/vendor_govuk_frontend.py govuk-frontend-5.14.0.tgz

The compiled CSS is rewritten so that it:
- uses the system font stack instead of GDS Transport (which belongs to GOV.UK alone) and drops
  its @font-face rules;
- drops the crown crest image (and vendors none of GOV.UK's images or fonts);
- refers to its assets relatively, so it works under any STATIC_URL;
- carries no source map comment (the manifest storage would look for the map).
"""

import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

SYSTEM_FONTS = (
    'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif'
)
TARGET = Path(__file__).resolve().parent.parent / "static" / "govuk"


def rewrite_css(css: str) -> str:
    css = re.sub(r"@font-face\{font-family:GDS Transport;[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", f"font-family:{SYSTEM_FONTS}")
    css = css.replace("font-family:GDS Transport", f"font-family:{SYSTEM_FONTS}")
    css = css.replace("url(/assets/images/govuk-crest.svg)", "none")
    css = css.replace("url(/assets/", "url(assets/")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if "GDS Transport" in css or "url(/" in css:
        raise SystemExit("the compiled CSS still refers to GDS Transport or a root-absolute URL")
    return css


def main(tarball: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist" / "govuk"
        version = (Path(tmp) / "package" / "package.json").read_text()
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        css = (dist / "govuk-frontend.min.css").read_text()
        (TARGET / "govuk-frontend.min.css").write_text(rewrite_css(css))
        js = (dist / "govuk-frontend.min.js").read_text()
        js = re.sub(r"//# sourceMappingURL=\S+", "", js)
        (TARGET / "govuk-frontend.min.js").write_text(js)
        match = re.search(r'"version":\s*"([^"]+)"', version)
        (TARGET / "VERSION").write_text((match.group(1) if match else "unknown") + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
