"""Normalising the values of one cell as offices type them: names in capitals, dates
typed a dozen ways, identifiers that Excel turned into numbers.

Every function takes a ``Cell`` (what the reader produced: text, a number, a date…)
and returns the canonical value the models store, or raises ``CellError`` with a
message that the row's reason shows after the column's label ("Ngày sinh: 31/02/1980
is not a real date."). Empty input gives "" (or None for an optional date): whether a
value is required is the pipeline's call, not the cleaner's.

``Cell`` and ``cell_text`` live here rather than in ``reading`` so that the three
modules import in one direction (columns → cleaning, reading → columns + cleaning);
``reading`` re-exports both.
"""

import datetime
import re
import unicodedata

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from lienhe213.core.text import fold
from lienhe213.members.validators import ascii_digits

Cell = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | None

# Excel's 1900 date system: serial 1 is 01/01/1900, and serial 60 is the 29/02/1900
# that Lotus 1-2-3 invented and Excel kept; from serial 61 on, day 0 is 30/12/1899.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 100_000  # 14/10/2173: a larger number is not a date
_EARLIEST_YEAR = 1900  # no member, letter or admission predates it


def interpolate(template: str | Promise, **params: object) -> str | Promise:
    """``template % params`` kept lazy: translated in the language active when the
    message is shown, not when the file was read (a background task may read it)."""
    return lazy(lambda: str(template) % params, str)()


class CellError(Exception):
    """A cell whose value cannot be used; ``message`` says why, for the row's reason."""

    def __init__(self, message: str | Promise):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def cell_text(value: Cell) -> str:
    """The cell as the user sees it in Excel, for the error workbook and messages:
    dates as dd/mm/yyyy, whole numbers without ".0" (a citizen ID typed as a number
    must not come back as 1234567890.0), booleans as Excel writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return str(value)


def _text(value: Cell) -> str:
    """The cell as composed (NFC) text with NULs dropped and whitespace collapsed."""
    text = unicodedata.normalize("NFC", cell_text(value).replace("\x00", ""))
    return " ".join(text.split())


def _whole_number(value: Cell) -> int | None:
    """The integer a numeric cell holds, or None for text, booleans and fractions."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# --- names ----------------------------------------------------------------------------


def clean_name(value: Cell) -> str:
    """A person's name: trimmed, single-spaced and composed (NFC), so that "Nguyễn"
    typed with combining tone marks equals the precomposed one in searches and
    uniqueness checks. A name typed ALL IN CAPITALS (as many lists do) becomes title
    case word by word ("NGUYỄN VĂN ĐỨC" → "Nguyễn Văn Đức"; "H'HEN NIÊ" → "H'Hen Niê");
    a name in mixed case is left as typed, because its capitals may be deliberate."""
    text = _text(value)
    if text and not any(char.isalpha() for char in text):
        raise CellError(interpolate(_("“%(value)s” is not a name."), value=text))
    if text.isupper():  # at least one cased letter and no lower-case one
        text = text.title()
    return text


def split_full_name(full: str) -> tuple[str, str, str]:
    """(family name, middle name, given name) of a Vietnamese full name: the family
    name is the first word, the given name the last, the middle name the rest (possibly
    empty: "Lò Pọm"). A single word is refused: the family name cannot be told apart."""
    words = full.split()
    if len(words) < 2:
        raise CellError(
            interpolate(_("“%(value)s” needs at least a family name and a given name."), value=full)
        )
    return words[0], " ".join(words[1:-1]), words[-1]


# --- dates ----------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d+)$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$")
_TRAILING_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")  # "12/03/1980 00:00:00"
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)
_SPACED_SEPARATOR = re.compile(r"\s*([/.\-])\s*")  # "12 / 3 / 1980"


def _from_serial(serial: int) -> datetime.date:
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise CellError(interpolate(_("%(value)s is not a real date."), value="29/02/1900"))
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + datetime.timedelta(days=serial + 1)
    return _EXCEL_EPOCH + datetime.timedelta(days=serial)


def _unreadable_date(typed: str) -> CellError:
    return CellError(
        interpolate(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 14/03/1985."), value=typed
        )
    )


def _date_from_text(typed: str) -> datetime.date:
    text = _TRAILING_TIME.sub("", typed)
    text = _SPACED_SEPARATOR.sub(r"\1", text)
    if match := _YEAR_FIRST.match(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DAY_FIRST.match(text):
        day, month = int(match[1]), int(match[3])
        if len(match[4]) == 2:
            raise CellError(
                interpolate(
                    _("“%(value)s” has a two-digit year; write the year in full (dd/mm/yyyy)."),
                    value=typed,
                )
            )
        if len(match[4]) != 4:
            raise _unreadable_date(typed)
        year = int(match[4])
    else:
        raise _unreadable_date(typed)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(interpolate(_("%(value)s is not a real date."), value=typed)) from None


def parse_date(value: Cell, *, today: datetime.date) -> datetime.date:
    """A past or present date from a real Excel date, an Excel serial number (a date
    cell formatted as a number shows 29292 for 12/03/1980) or text in the day-first
    order Vietnamese offices use: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy with
    stray spaces anywhere, or the ISO yyyy-mm-dd. Refused: impossible dates (31/02),
    two-digit years (19 or 20?), dates before 1900 and dates after ``today`` (a birth,
    admission or letter cannot be in the future)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_("the date is missing."))
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, datetime.time | bool):
        raise _unreadable_date(_text(value))
    elif isinstance(value, int | float):
        if not 1 <= value < _EXCEL_MAX_SERIAL:
            raise _unreadable_date(_text(value))
        day = _from_serial(int(value))  # a fraction is the time of day
    else:
        day = _date_from_text(_text(value))
    if day.year < _EARLIEST_YEAR:
        raise CellError(interpolate(_("%(value)s is before 1900."), value=cell_text(day)))
    if day > today:
        raise CellError(interpolate(_("%(value)s is in the future."), value=cell_text(day)))
    return day


def parse_optional_date(value: Cell, *, today: datetime.date) -> datetime.date | None:
    """``parse_date``, with None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, today=today)


# --- identifiers ----------------------------------------------------------------------


def _lost_digits(typed: str) -> CellError:
    return CellError(
        interpolate(
            _(
                "“%(value)s” was saved in scientific notation and its digits are lost; format "
                "the column as Text in Excel and type the numbers again."
            ),
            value=typed,
        )
    )


def clean_citizen_id(value: Cell) -> str:
    """The 12-digit citizen ID (CCCD / personal identification number), digits only.

    Spaces and dots that people type to group digits are removed, as is the apostrophe
    Excel uses to force text. A number cell of 9–11 digits is zero-padded to 12: Excel
    drops the leading zeros of IDs from provinces 001–099 when the column is not Text.
    Text is never padded: an 11-digit text is a typing mistake, and guessing a digit
    of an identity key would match the wrong person. The first three digits must be a
    province code (001–096)."""
    number = _whole_number(value)
    if number is not None:
        digits = str(number)
        if 9 <= len(digits) <= 11:
            digits = digits.zfill(12)
    else:
        if isinstance(value, float):
            raise CellError(
                interpolate(_("“%(value)s” is not a citizen ID."), value=cell_text(value))
            )
        typed = ascii_digits(_text(value))
        if _SCIENTIFIC.match(typed):
            raise _lost_digits(typed)
        digits = re.sub(r"[\s.]", "", typed).lstrip("'")
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]{12}", digits):
        raise CellError(
            interpolate(
                _("“%(value)s”: a citizen ID has exactly 12 digits."), value=cell_text(value)
            )
        )
    if not 1 <= int(digits[:3]) <= 96:
        raise CellError(
            interpolate(
                _(
                    "“%(value)s”: the first three digits of a citizen ID are a province code "
                    "(001–096)."
                ),
                value=digits,
            )
        )
    return digits


def clean_phone(value: Cell) -> str:
    """A Vietnamese phone number without separators: 0xxxxxxxxx (10 or 11 digits) or
    +84 followed by the number without its 0.

    Spaces, dots, dashes and parentheses are removed. A number that lost its leading 0
    (Excel drops it from a number cell, and CSV exports keep the loss) gets it back
    when what remains is unambiguous: 9 digits starting with 3, 5, 7, 8 or 9 (a
    mobile) or 10 digits starting with 2 (a landline with its area code). "84…" and
    "0084…" become "+84…"; "+84 (0) 912…" loses the 0 in brackets."""
    number = _whole_number(value)
    typed = str(number) if number is not None else ascii_digits(_text(value))
    if not typed:
        return ""
    if _SCIENTIFIC.match(typed):
        raise _lost_digits(typed)
    digits = re.sub(r"[\s.\-()]", "", typed).lstrip("'")
    if digits.startswith("0084"):
        digits = "+84" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "+" + digits
    if digits.startswith("+840"):
        digits = "+84" + digits[4:]
    if re.fullmatch(r"[35789][0-9]{8}|2[0-9]{9}", digits):
        digits = "0" + digits
    if not re.fullmatch(r"(\+84|0)[0-9]{9,10}", digits):
        raise CellError(
            interpolate(
                _("“%(value)s” is not a Vietnamese phone number (e.g. 0912 345 678)."), value=typed
            )
        )
    return digits


def clean_party_card_number(value: Cell) -> str:
    """The party card number as the member model stores it: 6 to 12 digits, without
    the dots, spaces, dashes or slashes printed or typed between groups
    ("12.345.678" → "12345678"); a number cell gives its digits."""
    number = _whole_number(value)
    if number is not None:
        digits = str(number)
    elif isinstance(value, float):
        raise CellError(
            interpolate(_("“%(value)s” is not a party card number."), value=cell_text(value))
        )
    else:
        digits = re.sub(r"[\s.\-/]", "", ascii_digits(_text(value))).lstrip("'")
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]{6,12}", digits):
        raise CellError(
            interpolate(
                _("“%(value)s”: a party card number has 6 to 12 digits."), value=cell_text(value)
            )
        )
    return digits


# --- gender ---------------------------------------------------------------------------

_MALE = {"nam", "m", "male", "trai"}
_FEMALE = {"nu", "f", "female", "gai"}
# A Nam or Nữ column is marked by anything but emptiness or an explicit "no": forms
# that write the birth year in the column of the member's gender count as marked.
_UNMARKED = {"", "0", "-", "khong", "k", "no", "false"}


def _is_marked(value: Cell) -> bool:
    if value is None or value is False:
        return False
    return fold(_text(value)) not in _UNMARKED


def parse_gender(value: Cell, *, male_mark: Cell = None, female_mark: Cell = None) -> str:
    """ "male" or "female", from a gender column ("Nam", "Nữ", "nu", "M", "F", "male"…)
    or, when that is empty or absent, from a mark ("x", "1", "✓", or a birth year) in
    exactly one of the Nam and Nữ sub-columns. A gender column that is filled in wins
    over the marks."""
    typed = _text(value)
    if typed:
        key = fold(typed).rstrip(".")
        if key in _MALE:
            return "male"
        if key in _FEMALE:
            return "female"
        raise CellError(
            interpolate(_("“%(value)s” is not a gender; write Nam or Nữ."), value=typed)
        )
    male, female = _is_marked(male_mark), _is_marked(female_mark)
    if male and female:
        raise CellError(_("both the Nam and the Nữ columns are marked."))
    if male:
        return "male"
    if female:
        return "female"
    raise CellError(_("the gender is missing: mark the Nam or the Nữ column."))


# --- free text ------------------------------------------------------------------------


def clean_text(value: Cell, *, max_length: int) -> str:
    """Free text (an address, a workplace, a note): NULs removed, composed (NFC),
    trimmed, whitespace including line breaks collapsed to single spaces; longer than
    the column it is stored in (``max_length``) is refused rather than cut, since a
    cut address or name is wrong without anyone noticing."""
    text = _text(value)
    if len(text) > max_length:
        raise CellError(
            interpolate(
                _("the text has %(length)s characters; at most %(limit)s are allowed."),
                length=len(text),
                limit=max_length,
            )
        )
    return text
