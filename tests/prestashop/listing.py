"""GET on a list: WebserviceRequest::manageFilters(), SQLUtils::getSQLRetrieveFilter() and the
ORDER BY / LIMIT they build, evaluated over the rows as MySQL would (general_ci collation)."""

from __future__ import annotations

import random
import re
from decimal import Decimal

from tests.prestashop import php
from tests.prestashop.resources import Field

_FILTER = re.compile(r"^(.*)\[(.*)\](.*)$")
_INTERVAL = re.compile(r"^([\d\.:\-\s]+),([\d\.:\-\s]+)$")


def select(request):
    """(schema kind, rows, display) for the list, or None when an error was set."""
    from tests.prestashop.shop import _Abort

    resource = request.resource
    params = request.params
    available = [f.name for f in resource.fields if not f.hidden and not f.i18n]
    i18n = [f.name for f in resource.fields if not f.hidden and f.i18n]
    if not php.empty(params.get("date")):
        available += [d for d in ("date_add", "date_upd") if d not in available]
    else:
        available = [a for a in available if a not in ("date_add", "date_upd")]
    if "schema" in params:
        if params["schema"] in ("blank", "synopsis"):
            return params["schema"], [], "full"
        request.error(
            400,
            "Please select a schema of type 'synopsis' to get the whole schema informations (which"
            " fields are required, which kind of content...) or 'blank' to get an empty schema to"
            " fill before using POST request",
            28,
        )
        return None
    conditions = []
    filters = params.get("filter")
    if isinstance(filters, dict):
        for name, value in filters.items():
            if name in ("sort", "limit"):
                continue
            if name not in available:
                if value != "" and name in i18n:
                    for one in value.values() if isinstance(value, dict) else [value]:
                        conditions.append((resource.by_name[name], one))
                elif isinstance(value, dict):
                    request.error(400, "There is no existing linked table for this resource", 31)
                    return None
                else:
                    request.did_you_mean(400, "This filter does not exist", name, available, 32)
                    return None
            elif value == "":
                request.error(400, f'The filter "{name}" is malformed.', 33)
                return None
            elif resource.by_name.get(name, Field(name)).getter is not None:
                request.error(
                    400,
                    f'The field "{name}" is dynamic. It is not possible to filter GET query with this field.',
                    34,
                )
                return None
            else:
                spec = resource.by_name.get(name) or Field(name, "date", "datetime")
                conditions.append((spec, value))
    try:
        display = request.fields_to_display("minimum")
    except _Abort:
        return None
    order = []
    if "sort" in params:
        match = re.match(r"^\[(.*)\]$", str(params["sort"]), re.IGNORECASE)
        sorts = match.group(1).split(",") if match else [str(params["sort"])]
        for sort in sorts:
            cut = sort.rfind("_")
            name, direction = (sort[:cut], sort[cut + 1 :].upper()) if cut >= 0 else ("", "")
            if cut < 0 or direction not in ("ASC", "DESC"):
                request.error(
                    400,
                    'The "sort" value has to be formed as this example: "field_ASC" or'
                    " '[field_1_DESC,field_2_ASC,field_3_ASC,...]' (\"field\" has to be an available field)",
                    37,
                )
                return None
            if name not in available and name not in i18n:
                request.error(
                    400,
                    "Unable to filter by this field. However, these are available: "
                    + ", ".join(available)
                    + ", for i18n fields:"
                    + ", ".join(i18n),
                    38,
                )
                return None
            spec = resource.by_name.get(name) or Field(name, "date", "datetime")
            order.append((spec, direction == "DESC"))
    offset, count = 0, None
    if "limit" in params:
        parts = str(params["limit"]).split(",")
        if len(parts) > 2:
            request.error(
                400, 'The "limit" value has to be formed as this example: "5,25" or "10"', 39
            )
            return None
        if len(parts) == 1:
            count = max(0, php.intval(parts[0]))
        else:
            offset, count = max(0, php.intval(parts[0])), max(0, php.intval(parts[1]))
    rows = [
        row
        for row in request.shop.tables[resource.name].values()
        if all(_matches(spec, row, value, request.languages) for spec, value in conditions)
    ]
    if request.shop.unstable_ties:
        random.shuffle(rows)
    if order == [(resource.by_name["id"], False)] and not request.shop.unstable_ties:
        order = []  # the table is kept in id order
    for spec, descending in reversed(order):
        rows.sort(key=lambda r, s=spec: _sort_key(s, r, request.languages), reverse=descending)
    if count is not None:
        rows = rows[offset : offset + count]
    return None, rows, display


def _values(spec: Field, row: dict, languages: list[int]) -> list:
    value = row.get(spec.name)
    if spec.i18n:
        return [value.get(lang) for lang in languages] if isinstance(value, dict) else []
    return [value]


def _matches(spec: Field, row: dict, literal: str, languages: list[int]) -> bool:
    test = _condition(spec, literal)
    return any(v is not None and test(v) for v in _values(spec, row, languages))


def _condition(spec: Field, literal):
    """SQLUtils::getSQLRetrieveFilter as a test on one stored value."""
    literal = str(literal) if not isinstance(literal, str) else literal
    match = _FILTER.match(literal)
    if not match:
        return lambda v: _compare(spec, v, literal) == 0
    before, inner, after = match.groups()
    if before == "%" or after == "%":
        return lambda v: php.like(php.to_str(v), before + inner + after)
    if before == "" and after == "":
        if inner.find("|") > 0:
            options = inner.split("|")
            return lambda v: any(_compare(spec, v, o) == 0 for o in options)
        interval = _INTERVAL.match(inner)
        if interval:
            low, high = interval.group(1), interval.group(2)
            if php.is_numeric(low) and php.is_numeric(high):
                low, high = sorted((low, high), key=php.floatval)
            else:
                low, high = sorted((low, high))
            return lambda v: _compare(spec, v, low) >= 0 and _compare(spec, v, high) <= 0
        return lambda v: _compare(spec, v, inner) == 0
    if before == ">":
        return lambda v: _compare(spec, v, inner) > 0
    if before == "<":
        return lambda v: _compare(spec, v, inner) < 0
    if before == "!":
        options = inner.split("|")
        return lambda v: all(_compare(spec, v, o) != 0 for o in options)
    return lambda v: True  # any other prefix adds no condition at all


def _key(spec: Field, value):
    if spec.kind in ("int", "bool", "float"):
        return php.mysql_number(value)
    if spec.kind == "date" or spec.col in ("date", "datetime"):
        return php.mysql_datetime(value) or php.to_str(value)
    return php.fold(php.to_str(value))


def _compare(spec: Field, stored, literal) -> int:
    if spec.kind in ("int", "bool", "float"):
        left, right = (
            Decimal(str(stored)) if php.is_numeric(stored) else php.mysql_number(stored),
            php.mysql_number(literal),
        )
    elif spec.kind == "date" or spec.col in ("date", "datetime"):
        left = php.mysql_datetime(stored) or php.to_str(stored)
        right = php.mysql_datetime(literal)
        if right is None:
            left, right = php.to_str(stored), php.to_str(literal)
    else:
        left, right = php.fold(php.to_str(stored)), php.fold(literal)
    return (left > right) - (left < right)


def _sort_key(spec: Field, row: dict, languages: list[int]):
    value = _values(spec, row, languages[:1] or [1])[0] if spec.i18n else row.get(spec.name)
    if spec.name == "id":
        return (1, int(row["id"]))
    if value is None:
        return (0, 0)  # MySQL sorts NULL first
    return (1, _key(spec, value))
