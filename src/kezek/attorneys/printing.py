"""The QR code and the printable PDF of an attorney.

The QR code encodes only the public verification URL (`/attorneys/{id}/verify`): a border
officer scans it and sees the live status, so a printed attorney revoked later shows as revoked.

The PDF uses the PDF core font (Helvetica), which every reader has and which needs no font file
in the package, but covers only Latin-1; so names in Cyrillic (Russian and Kazakh letters) are
transliterated for print, with the original script one scan away on the verification page. The
signed document is printed in full as JSON with \\u escapes (pure ASCII, same canonical form), so
it can be typed in and verified with POST /api/v1/attorneys/verification.
"""

import io
import json
import textwrap
from typing import Any

import segno
from fpdf import FPDF

from kezek.attorneys.documents import Verdict
from kezek.models.attorney import Attorney

# Russian and Kazakh Cyrillic to plain Latin letters (which the core font surely has).
_CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
_LATIN = (
    "a,b,v,g,d,e,yo,zh,z,i,y,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,yu,ya,a,gh,q,ng,o,u,u,h,i"
)
_CYRILLIC = dict(zip(_CYRILLIC_LETTERS, _LATIN.split(","), strict=True))


def transliterate(text: str) -> str:
    """Text the core font can print: Cyrillic transliterated, anything else outside Latin-1
    replaced by '?'."""
    out = []
    for char in text:
        latin = _CYRILLIC.get(char.lower())
        if latin is not None:
            out.append(latin.capitalize() if char.isupper() else latin)
        else:
            out.append(char)
    return "".join(out).encode("latin-1", "replace").decode("latin-1")


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """An inline <svg> of the QR code (for the verification page)."""
    return qr_code(url).svg_inline(scale=4, dark="#000", light="#fff")


def attorney_pdf(attorney: Attorney, verdict: Verdict, *, verify_url: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"Power of attorney {attorney.public_id}")
    pdf.set_creator("Kezek")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Power of attorney / Senimkhat / Doverennost'", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for label, value in _lines(attorney, verdict.document or {}):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(45, 6, label)
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, transliterate(value), new_x="LMARGIN", new_y="NEXT")
    png = io.BytesIO()
    qr_code(verify_url).save(png, kind="png", scale=6, border=2)
    png.seek(0)
    y = pdf.get_y() + 4
    pdf.image(png, x=pdf.l_margin, y=y, w=45, h=45)
    pdf.set_xy(pdf.l_margin + 50, y)
    pdf.multi_cell(
        0,
        5,
        "Scan to check the current status (valid, expired, revoked) on the Kezek service:\n"
        + verify_url,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(y + 50)
    _signed_text(pdf, attorney)
    return bytes(pdf.output())


def _lines(attorney: Attorney, document: dict[str, Any]) -> list[tuple[str, str]]:
    vehicles = document.get("vehicles")
    listed = (
        "The whole fleet, including vehicles added later"
        if vehicles == "whole_fleet"
        else ", ".join(f"{v['plate']} (VIN {v['vin']})" for v in vehicles or [])
    )
    return [
        ("Document id", attorney.public_id),
        ("Owner", _party(document.get("owner", {}))),
        ("Intermediary", _party(document.get("intermediary", {}))),
        ("Vehicles", listed),
        ("Valid", f"{attorney.valid_from} to {attorney.valid_to} (Asia/Almaty, inclusive)"),
        ("May", ", ".join(attorney.scopes)),
        ("Issued at", document.get("issued_at", "")),
        ("Revoked at", attorney.revoked_at.isoformat() if attorney.revoked_at else "-"),
    ]


def _party(entry: dict[str, str]) -> str:
    ids = [f"{k.upper()} {entry[k]}" for k in ("iin", "bin", "passport") if k in entry]
    return f"{entry.get('name', '')} ({', '.join(ids)})"


def _signed_text(pdf: FPDF, attorney: Attorney) -> None:
    ascii_document = json.dumps(
        json.loads(attorney.document), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, "Signed document (canonical JSON) and Ed25519 signature", new_x="LMARGIN")
    pdf.ln(6)
    pdf.set_font("Courier", "", 7)
    for chunk in textwrap.wrap(ascii_document, 95, break_on_hyphens=False, drop_whitespace=False):
        pdf.cell(0, 3.5, chunk, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.cell(0, 3.5, f"signature: {attorney.signature}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 3.5, f"key id: {attorney.key_id}", new_x="LMARGIN", new_y="NEXT")
