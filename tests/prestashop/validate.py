"""PrestaShop 8.2's Validate::* functions that our resources' fields use (classes/Validate.php)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from tests.prestashop import php


def _re(pattern: str, flags: int = 0):
    compiled = re.compile(pattern, flags)
    return lambda value: compiled.search(str(value)) is not None


def is_int(value) -> bool:
    return str(php.intval(value)) == str(value)


def is_unsigned_int(value) -> bool:
    return is_int(value) and 0 <= php.intval(value) < 4294967296


def is_float(value) -> bool:
    # (string)(float)$v == (string)$v: two numeric strings compare as numbers in PHP 8.
    return php.is_numeric(value)


def is_date(value) -> bool:
    match = re.match(
        r"^([0-9]{4})-((?:0?[0-9])|(?:1[0-2]))-((?:0?[0-9])|(?:[1-2][0-9])|(?:3[01]))"
        r"( [0-9]{2}:[0-9]{2}:[0-9]{2})?$",
        str(value),
    )
    if not match:
        return False
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]


def is_birth_date(value) -> bool:
    if php.empty(value) or value == "0000-00-00":
        return True
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
    if not match:
        return False
    try:
        born = date(*(int(g) for g in match.groups()))
    except ValueError:
        return False
    today = date.today()
    return date(today.year - 200, today.month, min(today.day, 28)) <= born <= today


def is_email(value) -> bool:
    # Symfony's loose Email plus Egulias' RFC and SwiftMailer checks, approximated: an ASCII
    # dot-atom local part and a dotted host name.
    match = re.fullmatch(r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
                         r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})",
                         str(value))  # fmt: skip
    return match is not None


_CUSTOMER_NAME = re.compile(
    r"^(?!\s*$)(?:[^0-9!<>,;?=+()/\\@#\"°*`{}_^$%:¤\[\]|.。]|[。.](?:\s|$))*$"
)
_DOT_SPACED = re.compile(r"[.。](\s[^ ]|$)")


def is_customer_name(value) -> bool:
    text = str(value)
    if not _CUSTOMER_NAME.match(text):
        return False
    return ("." not in text and "。" not in text) or _DOT_SPACED.search(text) is not None


_EVENTS = (
    "onmousedown|onmousemove|onmmouseup|onmouseover|onmouseout|onload|onunload|onfocus|onblur"
    "|onchange|onsubmit|ondblclick|onclick|onkeydown|onkeyup|onkeypress|onmouseenter"
    "|onmouseleave|onerror|onselect|onreset|onabort|ondragdrop|onresize|onactivate"
    "|onafterprint|onmoveend|onafterupdate|onbeforeactivate|onbeforecopy|onbeforecut"
    "|onbeforedeactivate|onbeforeeditfocus|onbeforepaste|onbeforeprint|onbeforeunload"
    "|onbeforeupdate|onmove|onbounce|oncellchange|oncontextmenu|oncontrolselect|oncopy|oncut"
    "|ondataavailable|ondatasetchanged|ondatasetcomplete|ondeactivate|ondrag|ondragend"
    "|ondragenter|ondragexit|onmousewheel|ondragleave|ondragover|ondragstart|ondrop"
    "|onerrorupdate|onfilterchange|onfinish|onfocusin|onfocusout|onhashchange|onhelp|oninput"
    "|onlosecapture|onmessage|onmouseup|onmovestart|onoffline|ononline|onpaste"
    "|onpropertychange|onreadystatechange|onresizeend|onresizestart|onrowenter|onrowexit"
    "|onrowsdelete|onrowsinserted|onscroll|onsearch|onselectionchange|onselectstart|onstart"
    "|onstop|onanimationcancel|onanimationend|onanimationiteration|onanimationstart"
    "|onpointerover|onpointerenter|onpointerdown|onpointermove|onpointerup|onpointerout"
    "|onpointerleave|onpointercancel|ongotpointercapture|onlostpointercapture|onpagehide"
    "|onpageshow|onautocomplete|onautocompleteerror|oncanplay|oncanplaythrough|onclose"
    "|oncuechange|ondurationchange|onemptied|onended|oninvalid|onloadeddata|onloadedmetadata"
    "|onloadstart|onpause|onplay|onplaying|onpopstate|onprogress|onratechange|onreset|onseeked"
    "|onseeking|onshow|onsort|onstalled|onstorage|onsuspend|ontimeupdate|ontoggle"
    "|onvolumechange|onwaiting"
)
_HTML_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL


def is_clean_html(value) -> bool:
    text = str(value)
    if (
        re.search(r"<[\s]*script", text, _HTML_FLAGS)
        or re.search(r"<\s*\w+[^>]*\s(on\w+)=[\"'][^\"']*[\"']", text, _HTML_FLAGS)
        or re.search(rf"({_EVENTS})[\s]*=", text, _HTML_FLAGS)
        or re.search(r".*script\:", text, _HTML_FLAGS)
        or re.search(r"<[\s]*(i?frame|form|input|embed|object)", text, _HTML_FLAGS)
    ):
        return False
    return "\u202e" not in text


def is_url(value) -> bool:
    allowed = set("~:#,$%&_=().? +-@/") | set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    )
    text = str(value)
    return bool(text) and all(
        c in allowed or c.isdigit() or unicodedata.category(c)[0] in "LS" for c in text
    )


_ISBN = re.compile(
    r"^(?:ISBN(?:-1[03])?:? )?(?=[0-9X]{10}$|(?=(?:[0-9]+[- ]){3})[- 0-9X]{13}$|97[89][0-9]{10}$"
    r"|(?=(?:[0-9]+[- ]){4})[- 0-9]{17}$)(?:97[89][- ]?)?[0-9]{1,5}[- ]?[0-9]+[- ]?[0-9]+[- ]?[0-9X]$",
    re.IGNORECASE,
)

VALIDATORS = {
    "isBool": lambda v: v is None or str(v) in ("0", "1"),
    "isInt": is_int,
    "isUnsignedInt": is_unsigned_int,
    "isUnsignedId": is_unsigned_int,
    "isNullOrUnsignedId": lambda v: v is None or is_unsigned_int(v),
    "isPositiveInt": lambda v: is_unsigned_int(v) and php.intval(v) > 0,
    "isFloat": is_float,
    "isUnsignedFloat": lambda v: is_float(v) and php.floatval(v) >= 0,
    "isPrice": _re(r"^[0-9]{1,10}(\.[0-9]{1,9})?$"),
    "isNegativePrice": _re(r"^[-]?[0-9]{1,10}(\.[0-9]{1,9})?$"),
    "isString": lambda v: isinstance(v, str),
    "isReference": _re(r"^[^<>;={}]*$"),
    "isGenericName": lambda v: php.empty(v) or re.search(r"^[^<>={}]*$", str(v)) is not None,
    "isCatalogName": _re(r"^[^<>;=#{}]*$"),
    "isCustomerName": is_customer_name,
    "isName": _re(r'^[^0-9!<>,;?=+()@#"°{}_$%:¤|]*$'),
    "isEmail": is_email,
    "isAddress": lambda v: php.empty(v) or re.search(r"^[^!<>?=+@{}_$%]*$", str(v)) is not None,
    "isCityName": _re(r'^[^!<>;?=+@#"°{}_$%]*$'),
    "isPostCode": lambda v: php.empty(v) or re.search(r"^[a-zA-Z 0-9-]+$", str(v)) is not None,
    "isPhoneNumber": _re(r"^[+0-9. ()/-]*$"),
    "isDniLite": lambda v: php.empty(v) or re.search(r"^[0-9A-Za-z-.]{1,16}$", str(v)) is not None,
    "isMessage": lambda v: re.search(r"[<>{}]", str(v)) is None,
    "isCleanHtml": is_clean_html,
    "isDate": is_date,
    "isDateFormat": _re(
        r"^([0-9]{4})-((0?[0-9])|(1[0-2]))-((0?[0-9])|([1-2][0-9])|(3[01]))( [0-9]{2}:[0-9]{2}:[0-9]{2})?$"
    ),
    "isBirthDate": is_birth_date,
    "isDateOrNull": lambda v: v in (None, "0000-00-00 00:00:00", "0000-00-00") or is_date(v),
    "isLinkRewrite": _re(r"^[_a-zA-Z0-9\-]+$"),
    "isEan13": lambda v: not v or re.search(r"^[0-9]{0,13}$", str(v)) is not None,
    "isUpc": lambda v: not v or re.search(r"^[0-9]{0,12}$", str(v)) is not None,
    "isIsbn": lambda v: not v or _ISBN.search(str(v)) is not None,
    "isMpn": lambda v: php.strlen(v) <= 40,
    "isMd5": _re(r"^[a-f0-9A-F]{32}$"),
    "isSha1": _re(r"^[a-fA-F0-9]{40}$"),
    "isUrl": is_url,
    "isApe": _re(r"^[0-9]{1,2}?\.?[0-9]{1,2}[a-zA-Z]{1}$", re.DOTALL),
    "isHashedPassword": lambda v: php.strlen(v) in (32, 60),
    "isModuleName": _re(r"^[a-zA-Z0-9_-]+$"),
    "isLanguageIsoCode": _re(r"^[a-zA-Z]{2,3}$"),
    "isLanguageCode": _re(r"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"),
    "isLocale": _re(r"^[a-z]{2}-[A-Z]{2}$"),
    "isPhpDateFormat": _re(r"^[^<>]+$"),
    "isZipCodeFormat": lambda v: php.empty(v) or re.search(r"^[NLCnlc 0-9-]+$", str(v)) is not None,
    "isColor": _re(r"^(#[0-9a-fA-F]{6}|[a-zA-Z0-9-]*)$"),
    "isTplName": _re(r"^[a-zA-Z0-9_-]+$"),
    "isNumericIsoCode": _re(r"^[0-9]{3}$"),
    "isPriceDisplayMethod": lambda v: php.intval(v) in (0, 1) and php.is_numeric(v),
    # The pattern's missing group is PrestaShop's: 'both...' or '...none' or anything with
    # 'catalog' or 'search' passes.
    "isProductVisibility": _re(r"^both|catalog|search|none$", re.IGNORECASE),
    "isTrackingNumber": _re(r"^[~:#,%&_=\(\)\[\]\.\? \+\-@/a-zA-Z0-9]+$"),
}
VALIDATORS["IsGenericName"] = VALIDATORS["isGenericName"]  # Product::available_later's spelling
