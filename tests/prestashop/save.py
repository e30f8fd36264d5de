"""POST, PUT and PATCH: WebserviceRequest::saveEntityFromXml() with ObjectModel's validation and
the add/update methods of the classes we serve; getters and association getters for the output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from tests.prestashop import php, render
from tests.prestashop.resources import Field, Resource
from tests.prestashop.validate import VALIDATORS

DEFAULT_LANG = 1


def _text(element) -> str:
    """SimpleXMLElement's string cast: the element's own text (CDATA included)."""
    return element.text or "" if element is not None else ""


def _child(element, name):
    for child in element:
        if child.tag == name:
            return child
    return None


def save(request) -> None:
    shop, resource, method = request.shop, request.resource, request.method
    body = request.body or ""
    try:
        root = ET.fromstring(body.encode())
    except ET.ParseError:
        request.error(
            500,
            f"XML error : String could not be parsed as XML\nXML length : {len(body)}\n"
            f"Original XML : {body}",
            127,
        )
        return
    entities = [e for e in root if isinstance(e.tag, str)]
    ids = [php.intval(_text(_child(e, "id"))) for e in entities if _text(_child(e, "id")) != ""]
    if method in ("PUT", "PATCH"):
        if len(set(ids)) != len(ids):
            request.error(400, "id is duplicate in request", 89)
            return
        if len(entities) != len(ids):
            request.error(400, "id is required when modifying a resource", 90)
            return
    elif ids:
        request.error(400, "id is forbidden when adding a new resource", 91)
        return
    saved = []
    for entity in entities:
        if method == "POST":
            obj: dict = {}
        else:
            row = shop.row(resource.name, php.intval(_text(_child(entity, "id"))))
            if row is None:
                request.error(404, "Invalid ID", 92)
                return
            obj = {k: (dict(v) if isinstance(v, dict) else v) for k, v in row.items()}
        saved.append(obj)
        for spec in resource.fields:
            node = _child(entity, spec.name)
            if method == "PATCH" and node is None:
                continue
            if node is not None and not spec.i18n:
                if spec.setter is False:
                    request.error(
                        400,
                        f'parameter "{spec.name}" not writable. Please remove this attribute of this XML',
                        93,
                    )
                    return
                if spec.setter is not None:
                    SETTERS.get((resource.name, spec.setter), _ignore)(shop, obj, _text(node))
                elif spec.prop:
                    obj[spec.name] = _text(node)
                else:
                    request.error(
                        400,
                        f'Parameter "{spec.name}" can\'t be set to the object "{resource.class_name}"',
                        123,
                    )
            elif spec.required and not spec.i18n:
                request.error(400, f'parameter "{spec.name}" required', 41)
                return
            elif not spec.required and spec.prop and not spec.i18n:
                obj[spec.name] = None
            if spec.i18n and not spec.virtual:
                languages = [c for c in node if c.tag == "language"] if node is not None else []
                if languages:
                    values = obj[spec.name] if isinstance(obj.get(spec.name), dict) else {}
                    for lang in languages:
                        values[php.intval(lang.get("id"))] = _text(lang)
                    obj[spec.name] = values
                else:
                    obj[spec.name] = _text(node)
        if method == "POST" and resource.name == "products":
            _link_rewrite(obj)
        if request.errors:
            continue
        message = _validate(shop, resource, obj)
        if message:
            code = 84 if message[0] else 85
            request.error(400, f'Validation error: "{message[1]}"', code)
            return
        done = (_add if method == "POST" else _update)(request, resource, obj)
        if not done:
            request.error(500, "Unable to save resource", 46)
            continue
        associations = _child(entity, "associations")
        if associations is not None:
            known = {a.name: a for a in resource.associations}
            for node in associations:
                assoc = known.get(node.tag)
                if assoc is None:
                    if node.tag != "i18n":
                        request.error(400, f'The association "{node.tag}" does not exists', 86)
                        return
                    continue
                values = [{f.tag: _text(f) for f in item} for item in node]
                if assoc.settable:
                    _set_association(shop, resource, obj, assoc.name, values)
    if not request.errors:
        request.status = 201 if method == "POST" else 200
        view = request.view("full")
        request.content = render.wrap("".join(render.entity(view, resource, o) for o in saved))


def _ignore(shop, obj, value) -> None:
    return None


# ---- validation: ObjectModel::validateFieldsLang then validateFields ----


def _validate(shop, resource: Resource, obj: dict) -> tuple[bool, str] | None:
    stored = [f for f in resource.fields if not f.virtual and f.name != "id"]
    if any(f.i18n for f in resource.fields):
        for spec in (f for f in stored if f.i18n):
            values = obj.get(spec.name)
            values = dict(values) if isinstance(values, dict) else {None: values}
            values.setdefault(DEFAULT_LANG, "")
            for lang, value in values.items():
                message = _validate_field(resource, spec, value, lang, obj)
                if message:
                    return True, message
    for spec in (f for f in stored if not f.i18n):
        message = _validate_field(resource, spec, obj.get(spec.name), None, obj)
        if message:
            return False, message
        if resource.name == "addresses" and spec.name == "dni":
            country = shop.row("countries", php.intval(obj.get("id_country")))
            needs = country is not None and country["need_identification_number"] == "1"
            if needs and not php.intval(obj.get("deleted")) and obj.get("dni") in (None, ""):
                return False, "Property Address->dni is empty."
    return None


def _validate_field(resource: Resource, spec: Field, value, lang, obj) -> str | None:
    """ObjectModel::validateField, the messages untranslated (human_errors false)."""
    prop = f"{resource.class_name}->{spec.name}"
    if (not lang or lang == DEFAULT_LANG) and spec.required and value in (None, ""):
        return f"Property {prop} is empty."
    if php.empty(value) and spec.default:
        value = spec.default
        if lang is None:
            obj[spec.name] = value
    if spec.values and value not in spec.values and not (value is None and "" in spec.values):
        return f"Property {prop} has a bad value (allowed values are: {', '.join(spec.values)})."
    if spec.size:
        length = php.strlen(value)
        if length > spec.size:
            return (
                f"The length of property {prop} is currently {length} chars. It must be between 0"
                f" and {spec.size} chars."
            )
    if spec.range and value is not None:
        low, high = spec.range
        if php.is_numeric(value):
            outside = php.floatval(value) < low or php.floatval(value) > high
        else:
            outside = str(value) < str(low) or str(value) > str(high)
        if outside:
            return (
                f"The range of property {prop} is currently {php.intval(value)}. It must be between"
                f" {low} and {high}."
            )
    if spec.validate and not php.empty(value) and not VALIDATORS[spec.validate](value):
        return f"Property {prop} is not valid"
    return None


def _link_rewrite(obj: dict) -> None:
    """Product::modifierWsLinkRewrite (POST only)."""
    names = obj.get("name")
    rewrite = obj.get("link_rewrite")
    if php.empty(rewrite):
        rewrite = {}
    if not isinstance(names, dict):
        return
    if not isinstance(rewrite, dict):
        rewrite = {}
    for lang, name in names.items():
        if php.empty(rewrite.get(lang)):
            rewrite[lang] = php.str2url(name)
        elif not VALIDATORS["isLinkRewrite"](rewrite[lang]):
            rewrite[lang] = php.str2url(rewrite[lang])
    obj["link_rewrite"] = rewrite


# ---- add and update ----


def _store(shop, resource: Resource, obj: dict, row_id: int) -> None:
    row = {"id": str(row_id)}
    old = shop.tables[resource.name].get(row_id, {})
    for spec in resource.stored:
        value = obj.get(spec.name)
        if spec.i18n and isinstance(value, dict):
            value = {
                lang: value.get(lang)
                if not php.empty(value.get(lang))
                else (value.get(DEFAULT_LANG) if spec.required else "")
                for lang in shop.language_ids()
            }
        row[spec.name] = shop._db_value(spec, value)
    row.update({k: v for k, v in old.items() if k.startswith("_")})
    if resource.name == "products":
        row["quantity"] = old.get("quantity", "0")
    shop.write(resource.name, row_id, row)


def _add(request, resource: Resource, obj: dict) -> bool:
    shop = request.shop
    hook = ADD_HOOKS.get(resource.name)
    if hook and not hook(request, obj):
        return False
    if resource.has_dates:
        obj["date_add"] = obj["date_upd"] = shop.now()
    new_id = shop.next_id[resource.name]
    shop.next_id[resource.name] += 1
    obj["id"] = str(new_id)
    _store(shop, resource, obj, new_id)
    after = AFTER_ADD.get(resource.name)
    if after:
        after(shop, obj)
    return True


def _update(request, resource: Resource, obj: dict) -> bool:
    shop = request.shop
    hook = UPDATE_HOOKS.get(resource.name)
    if hook and not hook(request, obj):
        return False
    if resource.has_dates:
        obj["date_upd"] = shop.now()
        if obj.get("date_add") in (None, ""):
            obj["date_add"] = shop.now()
    _store(shop, resource, obj, php.intval(obj["id"]))
    return True


def _product_add(request, obj) -> bool:
    obj["id_shop_default"] = "1"
    if php.intval(obj.get("is_virtual")):
        obj["product_type"] = "virtual"
    return True


def _product_after_add(shop, obj) -> None:
    virtual = bool(php.intval(obj.get("is_virtual")))
    shop.insert(
        "stock_availables",
        {
            "id_product": obj["id"],
            "id_product_attribute": 0,
            "id_shop": 1,
            "id_shop_group": 0,
            "quantity": 0,
            "depends_on_stock": 0,
            "out_of_stock": 1 if virtual else 2,
            "location": "",
        },
    )


def _product_update(request, obj) -> bool:
    old = request.shop.row("products", php.intval(obj["id"]))
    if obj.get("price") is None:
        obj["price"] = old["price"]
    if obj.get("unit_price_ratio") is None:
        unit = php.floatval(obj.get("unit_price"))
        obj["unit_price_ratio"] = php.floatval(obj["price"]) / unit if unit else 0
    return True


def _stock_update(request, obj) -> bool:
    if php.intval(obj.get("depends_on_stock")):
        request.error(500, "You cannot update the available stock when it depends on stock.", 133)
        return False
    return True


def _email_owner(shop, email) -> int:
    if not VALIDATORS["isEmail"](email or ""):
        return 0
    for row in shop.rows_where("customers", "email", email):
        if row["is_guest"] == "0":
            return int(row["id"])
    return 0


def _customer_add(request, obj) -> bool:
    shop = request.shop
    if _email_owner(shop, obj.get("email")):
        request.error(500, "The email is already used, please choose another one", 140)
        return False
    obj["id_shop"] = obj.get("id_shop") if php.intval(obj.get("id_shop")) else "1"
    obj["id_shop_group"] = obj.get("id_shop_group") if php.intval(obj.get("id_shop_group")) else "1"
    obj["id_lang"] = obj.get("id_lang") if php.intval(obj.get("id_lang")) else str(DEFAULT_LANG)
    from tests.prestashop.shop import new_secure_key

    obj["secure_key"] = new_secure_key()
    moment = datetime.strptime(shop.now(), "%Y-%m-%d %H:%M:%S") - timedelta(minutes=360)
    obj["last_passwd_gen"] = moment.strftime("%Y-%m-%d %H:%M:%S")
    if php.intval(obj.get("newsletter")) and not VALIDATORS["isDate"](
        obj.get("newsletter_date_add") or ""
    ):
        obj["newsletter_date_add"] = shop.now()
    return True


def _customer_after_add(shop, obj) -> None:
    shop.links[("customers", int(obj["id"]), "groups")] = [
        {"id": str(php.intval(obj.get("id_default_group")))}
    ]


def _customer_update(request, obj) -> bool:
    shop = request.shop
    owner = _email_owner(shop, obj.get("email"))
    if owner and owner != php.intval(obj["id"]):
        request.error(500, "The email is already used, please choose another one", 141)
        return False
    if php.intval(obj.get("deleted")):
        for row_id, row in list(shop.tables["addresses"].items()):
            if row["id_customer"] == str(obj["id"]):
                shop.write("addresses", row_id, {**row, "deleted": "1"})
    return True


def _set_password(shop, obj, value) -> None:
    """Customer::setWsPasswd: hashed unless it is the stored hash sent back."""
    from tests.prestashop.shop import password_hash

    if php.intval(obj.get("id")) == 0 or obj.get("passwd") != value:
        obj["passwd"] = password_hash(value)


def _set_current_state(shop, obj, value) -> None:
    """Order::setWsCurrentState: a new state through OrderHistory (valid follows it)."""
    state = shop.row("order_states", php.intval(value))
    if (
        php.intval(obj.get("id"))
        and php.intval(value)
        and php.intval(value) != php.intval(obj.get("current_state"))
    ):
        obj["current_state"] = str(php.intval(value))
        if state is not None:
            obj["valid"] = state["logable"]


ADD_HOOKS = {"products": _product_add, "customers": _customer_add}
AFTER_ADD = {"products": _product_after_add, "customers": _customer_after_add}
UPDATE_HOOKS = {
    "products": _product_update,
    "stock_availables": _stock_update,
    "customers": _customer_update,
}
SETTERS = {
    ("customers", "setWsPasswd"): _set_password,
    ("orders", "setWsCurrentState"): _set_current_state,
}


def _set_association(shop, resource: Resource, obj: dict, name: str, values: list[dict]) -> None:
    key = (resource.name, php.intval(obj["id"]), name)
    if resource.name == "products" and name == "categories":
        ids = list(dict.fromkeys(php.intval(v.get("id")) for v in values))
        shop.set_categories(php.intval(obj["id"]), ids)
        return
    shop.links[key] = values


def delete_row(shop, resource: Resource, row_id: int) -> None:
    shop.write(resource.name, row_id, None)
    for key in [k for k in shop.links if k[0] == resource.name and k[1] == row_id]:
        del shop.links[key]
    if resource.name == "products":
        shop.set_categories(row_id, [])
        for stock in shop.rows_where("stock_availables", "id_product", str(row_id)):
            shop.write("stock_availables", int(stock["id"]), None)


# ---- getters (WebserviceOutputBuilder::renderField with a getter) ----


def _position_in_category(shop, obj):
    position = shop.category_positions(php.intval(obj.get("id_category_default")))
    return position.get(php.intval(obj.get("id")), "")


def _product_type(shop, obj):
    if php.intval(obj.get("cache_is_pack")):
        return "pack"
    return "virtual" if php.intval(obj.get("is_virtual")) else "simple"


GETTERS = {
    ("products", "id_default_image"): lambda shop, obj: None,
    ("products", "id_default_combination"): lambda shop, obj: 0,
    ("products", "position_in_category"): _position_in_category,
    ("products", "manufacturer_name"): lambda shop, obj: None,
    ("products", "type"): _product_type,
    ("orders", "shipping_number"): lambda shop, obj: obj.get("_shipping_number"),
    ("currencies", "names"): lambda shop, obj: obj.get("_names"),
    ("currencies", "name"): lambda shop, obj: obj.get("_name"),
    ("currencies", "symbol"): lambda shop, obj: obj.get("_symbols"),
}


def association_items(shop, resource: Resource, obj: dict, assoc) -> list[dict]:
    object_id = php.intval(obj.get("id"))
    if resource.name == "products" and assoc.name == "stock_availables":
        return [
            {"id": r["id"], "id_product_attribute": r["id_product_attribute"]}
            for r in shop.rows_where("stock_availables", "id_product", str(object_id))
            if r["id_shop"] == "1"
        ]
    if resource.name == "orders" and assoc.name == "order_rows":
        names = [n for n, _ in assoc.fields if n != "id"]
        return [
            {"id": d["id"], **{n: d.get(n) for n in names}}
            for d in shop.order_details_of(object_id)
        ]
    if resource.name == "products" and assoc.name == "categories":
        return [{"id": str(c)} for c in shop.categories_of(object_id)]
    if resource.name == "order_details" and assoc.name == "taxes":
        row = shop.tables["order_details"].get(object_id, {})
        return [{"id": str(t)} for t in row.get("_taxes", [])]
    return list(shop.links.get((resource.name, object_id, assoc.name), []))
