"""What a freshly installed French PrestaShop 8 holds, and realistic products, customers and
orders to fill it with (accents, apostrophes, ampersands, quotes: what its validators let in)."""

from __future__ import annotations

import random
import string
from decimal import ROUND_HALF_UP, Decimal

from tests.prestashop import php

# The key the tests use: 32 characters, as the back office generates them.
KEY = "ECONNECTTESTKEY0123456789ABCDEFG"
# What issue 21's liaison needs of a key (the back office's per-resource checkboxes).
LIAISON_PERMISSIONS = {
    "products": {"GET", "POST", "PUT", "PATCH", "HEAD"},
    "stock_availables": {"GET", "PUT", "PATCH", "HEAD"},
    "customers": {"GET", "POST", "PUT", "PATCH", "HEAD"},
    "addresses": {"GET", "POST", "PUT", "PATCH", "HEAD"},
    "orders": {"GET", "HEAD"},
    "order_details": {"GET", "HEAD"},
    "order_states": {"GET", "HEAD"},
    "countries": {"GET", "HEAD"},
    "languages": {"GET", "HEAD"},
    "currencies": {"GET", "HEAD"},
    "groups": {"GET", "HEAD"},
    "tax_rule_groups": {"GET", "HEAD"},
}
HOME_CATEGORY = 2  # "Accueil", where a default install puts products
CUSTOMER_GROUP = 3  # PS_CUSTOMER_GROUP
FRANCE = 8  # id_country of France in a default install
TAX_RULES_FR_20 = 1  # "FR Taux standard (20%)"
VAT = Decimal("0.20")


def base(shop) -> None:
    """Languages, countries, currency, groups, tax rules and order states of a default install."""
    for values in (
        {"name": "Français (French)", "iso_code": "fr", "locale": "fr-FR", "language_code": "fr"},
        {
            "name": "English (English)",
            "iso_code": "en",
            "locale": "en-US",
            "language_code": "en-us",
        },
    ):
        fmt = ("d/m/Y", "d/m/Y H:i:s") if values["iso_code"] == "fr" else ("m/d/Y", "m/d/Y H:i:s")
        shop.insert(
            "languages",
            {
                **values,
                "active": 1,
                "is_rtl": 0,
                "date_format_lite": fmt[0],
                "date_format_full": fmt[1],
            },
        )
    countries = (
        (1, "DE", 49, "NNNNN", "Allemagne", "Germany"),
        (3, "BE", 32, "NNNN", "Belgique", "Belgium"),
        (6, "ES", 34, "NNNNN", "Espagne", "Spain"),
        (8, "FR", 33, "NNNNN", "France", "France"),
        (10, "IT", 39, "NNNNN", "Italie", "Italy"),
        (12, "LU", 352, "NNNN", "Luxembourg", "Luxembourg"),
        (19, "CH", 41, "NNNN", "Suisse", "Switzerland"),
    )
    for country_id, iso, prefix, zip_format, fr, en in countries:
        shop.insert(
            "countries",
            {
                "id": country_id,
                "id_zone": 1 if iso != "CH" else 7,
                "id_currency": 0,
                "call_prefix": prefix,
                "iso_code": iso,
                "active": 1 if iso == "FR" else 0,
                "contains_states": 0,
                "need_identification_number": 0,
                "need_zip_code": 1,
                "zip_code_format": zip_format,
                "display_tax_label": 1,
                "name": {1: fr, 2: en},
            },
        )
    shop.insert(
        "currencies",
        {
            "iso_code": "EUR",
            "numeric_iso_code": "978",
            "precision": 2,
            "conversion_rate": 1,
            "deleted": 0,
            "active": 1,
            "unofficial": 0,
            "modified": 0,
            "pattern": {1: "", 2: ""},
            "_names": {1: "Euro", 2: "Euro"},
            "_name": "Euro",
            "_symbols": {1: "€", 2: "€"},
        },
    )
    now = shop.now()
    for names, method in (
        ({1: "Visiteur", 2: "Visitor"}, 0),
        ({1: "Invité", 2: "Guest"}, 0),
        ({1: "Client", 2: "Customer"}, 0),
    ):
        shop.insert(
            "groups",
            {"reduction": 0, "price_display_method": method, "show_prices": 1, "name": names,
             "date_add": now, "date_upd": now},
        )  # fmt: skip
    shop.insert(
        "tax_rule_groups",
        {
            "name": "FR Taux standard (20%)",
            "active": 1,
            "deleted": 0,
            "date_add": now,
            "date_upd": now,
        },
    )
    states = (
        ("En attente du paiement par chèque", "Awaiting check payment", "cheque", "#34209E", 0, 0, 0, "ps_checkpayment"),
        ("Paiement accepté", "Payment accepted", "payment", "#3498D8", 1, 1, 0, None),
        ("En cours de préparation", "Processing in progress", "preparation", "#3498D8", 1, 1, 0, None),
        ("Expédié", "Shipped", "shipped", "#01b887", 1, 1, 1, None),
        ("Livré", "Delivered", "", "#01b887", 1, 1, 1, None),
        ("Annulé", "Canceled", "order_canceled", "#2C3E50", 0, 0, 0, None),
        ("Remboursé", "Refunded", "refund", "#ec2e15", 0, 1, 0, None),
        ("Erreur de paiement", "Payment error", "payment_error", "#ec2e15", 0, 0, 0, None),
        ("En attente de réapprovisionnement (payé)", "On backorder (paid)", "outofstock", "#3498D8", 1, 1, 0, None),
        ("En attente de virement bancaire", "Awaiting bank wire payment", "bankwire", "#34209E", 0, 0, 0, "ps_wirepayment"),
        ("Paiement à distance accepté", "Remote payment accepted", "payment", "#3498D8", 1, 1, 0, None),
        ("En attente de réapprovisionnement (non payé)", "On backorder (not paid)", "outofstock", "#34209E", 0, 0, 0, None),
        ("En attente de paiement à la livraison", "Awaiting Cash On Delivery validation", "cashondelivery", "#34209E", 0, 0, 0, "ps_cashondelivery"),
    )  # fmt: skip
    for fr, en, template, color, logable, paid, shipped, module in states:
        shop.insert(
            "order_states",
            {
                "unremovable": 1,
                "delivery": shipped,
                "hidden": 0,
                "send_email": 1 if template else 0,
                "module_name": module,
                "invoice": paid,
                "color": color,
                "logable": logable,
                "shipped": shipped,
                "paid": paid,
                "pdf_delivery": shipped,
                "pdf_invoice": paid,
                "deleted": 0,
                "name": {1: fr, 2: en},
                "template": {1: template, 2: template},
            },
        )
    shop.categories.setdefault(HOME_CATEGORY, [])


# ---- realistic contents ----

_PRODUCT_WORDS = (
    "Semences de blé tendre", "Orge d'hiver", "Engrais NPK 15-15-15", "Fioul agricole",
    "Ficelle « botteleuse »", "Filet d'enrubannage", "Herse étrille", "Soc de charrue",
    "Maïs grain", "Colza", "Épandage de fumier", "Broyage & girobroyage", "Pièces détachées",
    'Graisse "multi-usages"', "Tourteau de soja", "Pulvérisateur 24 m", "Pneu 480/70 R28",
)  # fmt: skip
_FIRST = ("Élodie", "François", "Anaïs", "Jérôme", "Chloé", "Noël", "Hélène", "Loïc", "Zoé",
          "Benoît", "Maëlle", "Stéphane", "Agnès", "Gaëtan", "Cécile", "Renée")  # fmt: skip
_LAST = ("Lefèvre", "Dupont", "Bénard", "Le Goff", "O'Neill", "Martin-Prévost", "Gauthier",
         "Müller", "Faure", "Rivière", "Étienne", "Poirier", "D'Artagnan", "Garçon")  # fmt: skip
_COMPANIES = ("GAEC des Trois Chênes", "EARL Bénard & Fils", "SCEA L'Épi d'Or",
              "Ferme \"La Prairie\"", "CUMA de l'Étang", None, None)  # fmt: skip
_STREETS = ("rue de l'Église", "chemin des Prés", "route de Château-Thierry", "lieu-dit Les Éssarts",
            "allée des Tilleuls", "place du Marché")  # fmt: skip
_CITIES = (("02400", "Château-Thierry"), ("51100", "Reims"), ("80000", "Amiens"),
           ("60200", "Compiègne"), ("77100", "Meaux"), ("10000", "Troyes"))  # fmt: skip


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def product(shop, reference: str, name: str, price, quantity: int = 0, active: int = 1,
            **values) -> int:  # fmt: skip
    """A product as the back office saves it, with its stock in shop 1 and category Home."""
    fields = {
        "id_category_default": HOME_CATEGORY,
        "id_tax_rules_group": TAX_RULES_FR_20,
        "id_shop_default": 1,
        "reference": reference,
        "state": 1,
        "additional_delivery_times": 1,
        "product_type": "standard",
        "minimal_quantity": 1,
        "price": price,
        "active": active,
        "redirect_type": "default",
        "available_for_order": 1,
        "show_condition": 0,
        "condition": "new",
        "show_price": 1,
        "indexed": 1,
        "visibility": "both",
        "pack_stock_type": 3,
        "date_add": shop.now(),
        "date_upd": shop.now(),
        "name": {lang: name for lang in shop.language_ids()},
        "link_rewrite": {lang: php.str2url(name) for lang in shop.language_ids()},
        **values,
    }
    product_id = shop.insert("products", fields)
    shop.insert(
        "stock_availables",
        {"id_product": product_id, "id_product_attribute": 0, "id_shop": 1, "id_shop_group": 0,
         "quantity": quantity, "depends_on_stock": 0, "out_of_stock": 2, "location": ""},
    )  # fmt: skip
    shop.set_categories(product_id, [HOME_CATEGORY])
    return product_id


def customer(shop, firstname: str, lastname: str, email: str, **values) -> int:
    from tests.prestashop.shop import new_secure_key, password_hash

    customer_id = shop.insert(
        "customers",
        {
            "id_default_group": CUSTOMER_GROUP,
            "id_lang": 1,
            "last_passwd_gen": shop.now(),
            "secure_key": new_secure_key(),
            "passwd": password_hash(email),
            "firstname": firstname,
            "lastname": lastname,
            "email": email,
            "id_gender": 1,
            "newsletter": 0,
            "optin": 0,
            "active": 1,
            "id_risk": 0,
            "max_payment_days": 0,
            "id_shop": 1,
            "id_shop_group": 1,
            "date_add": shop.now(),
            "date_upd": shop.now(),
            **values,
        },
    )
    shop.links[("customers", customer_id, "groups")] = [{"id": str(CUSTOMER_GROUP)}]
    return customer_id


def address(shop, customer_id: int, **values) -> int:
    row = shop.row("customers", customer_id)
    return shop.insert(
        "addresses",
        {
            "id_customer": customer_id,
            "id_country": FRANCE,
            "alias": "Mon adresse",
            "lastname": row["lastname"],
            "firstname": row["firstname"],
            "company": row["company"],
            "address1": "1 rue de l'Église",
            "postcode": "02400",
            "city": "Château-Thierry",
            "date_add": shop.now(),
            "date_upd": shop.now(),
            **values,
        },
    )


def order(shop, customer_id: int, address_id: int, lines: list[tuple[int, int]], state: int = 2,
          shipping=Decimal("0"), **values) -> int:  # fmt: skip
    """An order as PaymentModule::validateOrder writes it: rows copied from the products at the
    time of the order (name, reference, prices), totals consistent with the rows."""
    buyer = shop.row("customers", customer_id)
    status = shop.row("order_states", state)
    details = []
    total_excl = total_incl = Decimal(0)
    for product_id, quantity in lines:
        item = shop.row("products", product_id)
        unit_excl = Decimal(item["price"])
        unit_incl = _money(unit_excl * (1 + VAT))
        total_excl += unit_excl * quantity
        total_incl += unit_incl * quantity
        details.append((item, quantity, unit_excl, unit_incl))
    shipping_incl = _money(Decimal(shipping) * (1 + VAT))
    paid = _money(total_incl + shipping_incl)
    reference = "".join(random.Random(shop.next_id["orders"]).choices(string.ascii_uppercase, k=9))
    order_id = shop.insert(
        "orders",
        {
            "id_address_delivery": address_id,
            "id_address_invoice": address_id,
            "id_cart": shop.next_id["orders"],
            "id_currency": 1,
            "id_lang": 1,
            "id_customer": customer_id,
            "id_carrier": 2,
            "current_state": state,
            "module": "ps_checkpayment",
            "invoice_number": shop.next_id["orders"] if status["invoice"] == "1" else 0,
            "invoice_date": shop.now() if status["invoice"] == "1" else None,
            "delivery_number": 0,
            "valid": status["logable"],
            "date_add": shop.now(),
            "date_upd": shop.now(),
            "id_shop_group": 1,
            "id_shop": 1,
            "secure_key": buyer["secure_key"],
            "payment": "Chèque",
            "total_paid": paid,
            "total_paid_tax_incl": paid,
            "total_paid_tax_excl": _money(total_excl + Decimal(shipping)),
            "total_paid_real": paid if status["paid"] == "1" else 0,
            "total_products": _money(total_excl),
            "total_products_wt": _money(total_incl),
            "total_shipping": shipping_incl,
            "total_shipping_tax_incl": shipping_incl,
            "total_shipping_tax_excl": shipping,
            "carrier_tax_rate": 20,
            "round_mode": 2,
            "round_type": 2,
            "conversion_rate": 1,
            "reference": reference,
            **values,
        },
    )
    for item, quantity, unit_excl, unit_incl in details:
        shop.insert(
            "order_details",
            {
                "id_order": order_id,
                "id_warehouse": 0,
                "id_shop": 1,
                "product_id": item["id"],
                "product_attribute_id": 0,
                "product_name": item["name"][1],
                "product_quantity": quantity,
                "product_quantity_in_stock": quantity,
                "product_price": unit_excl,
                "product_ean13": item["ean13"],
                "product_reference": item["reference"],
                "product_weight": item["weight"],
                "tax_computation_method": 0,
                "tax_name": "TVA FR 20%",
                "tax_rate": 20,
                "id_tax_rules_group": TAX_RULES_FR_20,
                "unit_price_tax_incl": unit_incl,
                "unit_price_tax_excl": unit_excl,
                "total_price_tax_incl": unit_incl * quantity,
                "total_price_tax_excl": unit_excl * quantity,
                "original_product_price": unit_excl,
                "_taxes": [1],
            },
        )
    return order_id


def catalogue(shop, count: int, seed: int = 1) -> list[int]:
    """`count` products with references ART00001…, names with accents and XML-special
    characters, prices with cents, stock."""
    rng = random.Random(seed)
    ids = []
    for n in range(1, count + 1):
        name = f"{rng.choice(_PRODUCT_WORDS)} n°{n}"
        price = Decimal(rng.randint(50, 250000)) / 100
        ids.append(product(shop, f"ART{n:05d}", name, price, rng.randint(0, 500),
                           ean13=f"{3000000000000 + n}", weight=Decimal(rng.randint(0, 50000)) / 1000))  # fmt: skip
    return ids


def clientele(shop, count: int, seed: int = 2) -> list[tuple[int, int]]:
    """`count` customers, each with one address: (customer id, address id)."""
    rng = random.Random(seed)
    pairs = []
    for n in range(1, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{php.str2url(first)}.{php.str2url(last)}.{n}@exemple.fr".replace("'", "")
        customer_id = customer(shop, first, last, email, company=rng.choice(_COMPANIES))
        postcode, city = rng.choice(_CITIES)
        address_id = address(shop, customer_id, address1=f"{rng.randint(1, 99)} {rng.choice(_STREETS)}",
                             postcode=postcode, city=city, phone="03 23 00 00 00")  # fmt: skip
        pairs.append((customer_id, address_id))
    return pairs


def order_book(shop, count: int, products: list[int], buyers: list[tuple[int, int]],
               seed: int = 3, lines: tuple[int, int] = (1, 6)) -> list[int]:  # fmt: skip
    """`count` orders spread over the buyers, 1 to 6 rows each, mostly paid."""
    rng = random.Random(seed)
    states = (2, 2, 2, 3, 4, 5, 1, 10, 6)
    ids = []
    for _ in range(count):
        customer_id, address_id = rng.choice(buyers)
        chosen = rng.sample(products, k=min(len(products), rng.randint(*lines)))
        ids.append(order(shop, customer_id, address_id, [(p, rng.randint(1, 20)) for p in chosen],
                         state=rng.choice(states), shipping=Decimal(rng.choice((0, 0, 1250, 4990))) / 100))  # fmt: skip
    return ids
