"""The resources the fake shop serves, as PrestaShop 8.2.0 declares them.

Each resource's fields come in the order ObjectModel::getWebserviceParameters() gives them: `id`,
then the fields named in the class's $webserviceParameters, then the rest of its $definition.
Column formats follow install/data/db_structure.sql (8.x). SOURCES.md says where each comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INT, BOOL, TEXT, DATE, DATETIME = "int", "bool", "text", "date", "datetime"
D6, D3, D2 = ("dec", 6), ("dec", 3), ("dec", 2)


def S(n: int) -> tuple[str, int]:
    return ("str", n)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str | None = None  # ObjectModel TYPE_*: int, bool, float, string, html, date
    col: object = None  # the database column's format
    validate: str | None = None
    size: int | None = None
    required: bool = False
    i18n: bool = False
    xlink: object = None  # 'resource' or (resourceName, subResourceName or None)
    getter: object = None  # None: no getter; False or a name: notFilterable
    setter: object = None  # None: plain property; False: read-only; a name: custom setter
    values: tuple | None = None
    default: str | None = None
    allow_null: bool = False
    virtual: bool = False  # a webservice field with no column
    prop: bool = True  # the PHP object has a property of that name
    hidden: bool = False
    range: tuple[int, int] | None = None
    modifier: bool = False


@dataclass(frozen=True)
class Assoc:
    name: str
    node: str
    fields: tuple[tuple[str, dict], ...] = ()
    api: str | None = None
    virtual_entity: bool = False
    settable: bool = False  # the class has a setWs<Name> method


@dataclass
class Resource:
    name: str
    node: str
    class_name: str
    fields: tuple[Field, ...]
    associations: tuple[Assoc, ...] = ()
    writable: bool = True  # False: the fake answers writes with its own 501
    by_name: dict[str, Field] = field(default_factory=dict)

    def __post_init__(self):
        self.by_name = {f.name: f for f in self.fields}
        self.stored = tuple(f for f in self.fields if not f.virtual and f.name != "id")
        self.has_dates = "date_upd" in self.by_name and not self.by_name["date_upd"].virtual


def _id() -> Field:
    return Field("id", "int", INT)


def _f(name, kind, col, validate=None, size=None, required=False, **kw) -> Field:
    return Field(name, kind, col, validate, size, required, **kw)


def _i18n(name, validate, size=None, **kw) -> Field:
    return Field(name, kw.pop("kind", "string"), TEXT, validate, size, i18n=True, **kw)


_DATES = (
    _f("date_add", "date", DATETIME, "isDate"),
    _f("date_upd", "date", DATETIME, "isDate"),
)

PRODUCTS = Resource(
    "products",
    "product",
    "Product",
    (
        _id(),
        _f("id_manufacturer", "int", INT, "isUnsignedId", xlink="manufacturers"),
        _f("id_supplier", "int", INT, "isUnsignedId", xlink="suppliers"),
        _f("id_category_default", "int", INT, "isUnsignedId", xlink="categories"),
        Field("new", virtual=True),
        _f("cache_default_attribute", "int", INT),
        Field(
            "id_default_image",
            getter="getCoverWs",
            setter="setCoverWs",
            xlink=("images", "products"),
            virtual=True,
            prop=False,
        ),
        Field(
            "id_default_combination",
            getter="getWsDefaultCombination",
            setter="setWsDefaultCombination",
            xlink=("combinations", None),
            virtual=True,
            prop=False,
        ),
        _f("id_tax_rules_group", "int", INT, "isUnsignedId", xlink=("tax_rule_groups", None)),
        Field(
            "position_in_category",
            getter="getWsPositionInCategory",
            setter="setWsPositionInCategory",
            virtual=True,
            prop=False,
        ),
        Field("manufacturer_name", getter="getWsManufacturerName", setter=False, virtual=True),
        Field("quantity", getter=False, setter=False, virtual=True),
        Field("type", getter="getWsType", setter="setWsType", virtual=True, prop=False),
        _f("id_shop_default", "int", INT, "isUnsignedId"),
        _f("reference", "string", S(64), "isReference", size=64),
        _f("supplier_reference", "string", S(64), "isReference", size=64),
        _f("location", "string", S(255), "isString", size=255),
        _f("width", "float", D6, "isUnsignedFloat"),
        _f("height", "float", D6, "isUnsignedFloat"),
        _f("depth", "float", D6, "isUnsignedFloat"),
        _f("weight", "float", D6, "isUnsignedFloat"),
        _f("quantity_discount", "bool", BOOL, "isBool"),
        _f("ean13", "string", S(13), "isEan13", size=13),
        _f("isbn", "string", S(32), "isIsbn", size=32),
        _f("upc", "string", S(12), "isUpc", size=12),
        _f("mpn", "string", S(40), "isMpn", size=40),
        _f("cache_is_pack", "bool", BOOL, "isBool"),
        _f("cache_has_attachments", "bool", BOOL, "isBool"),
        _f("is_virtual", "bool", BOOL, "isBool"),
        _f("state", "int", INT, "isUnsignedId"),
        _f("additional_delivery_times", "int", INT, "isUnsignedId"),
        _i18n("delivery_in_stock", "isGenericName", 255),
        _i18n("delivery_out_stock", "isGenericName", 255),
        _f(
            "product_type",
            "string",
            "enum",
            "isGenericName",
            values=("standard", "pack", "virtual", "combinations", ""),
        ),
        _f("on_sale", "bool", BOOL, "isBool"),
        _f("online_only", "bool", BOOL, "isBool"),
        _f("ecotax", "float", D6, "isPrice"),
        _f("minimal_quantity", "int", INT, "isPositiveInt"),
        _f("low_stock_threshold", "int", INT, "isInt", allow_null=True),
        _f("low_stock_alert", "bool", BOOL, "isBool"),
        _f("price", "float", D6, "isPrice", required=True),
        _f("wholesale_price", "float", D6, "isPrice"),
        _f("unity", "string", S(255), "isString"),
        _f("unit_price", "float", D6, "isPrice"),
        _f("unit_price_ratio", "float", D6),
        _f("additional_shipping_cost", "float", D6, "isPrice"),
        _f("customizable", "int", INT, "isUnsignedInt"),
        _f("text_fields", "int", INT, "isUnsignedInt"),
        _f("uploadable_files", "int", INT, "isUnsignedInt"),
        _f("active", "bool", BOOL, "isBool"),
        _f("redirect_type", "string", "enum", "isString"),
        _f("id_type_redirected", "int", INT, "isUnsignedId"),
        _f("available_for_order", "bool", BOOL, "isBool"),
        _f("available_date", "date", DATE, "isDateFormat"),
        _f("show_condition", "bool", BOOL, "isBool"),
        _f(
            "condition",
            "string",
            "enum",
            "isGenericName",
            values=("new", "used", "refurbished"),
            default="new",
        ),
        _f("show_price", "bool", BOOL, "isBool"),
        _f("indexed", "bool", BOOL, "isBool"),
        _f(
            "visibility",
            "string",
            "enum",
            "isProductVisibility",
            values=("both", "catalog", "search", "none"),
            default="both",
        ),
        _f("advanced_stock_management", "bool", BOOL, "isBool"),
        *_DATES,
        _f("pack_stock_type", "int", INT, "isUnsignedInt"),
        _i18n("meta_description", "isGenericName", 512),
        _i18n("meta_keywords", "isGenericName", 255),
        _i18n("meta_title", "isGenericName", 255),
        _i18n("link_rewrite", "isLinkRewrite", 128, modifier=True),
        _i18n("name", "isCatalogName", 128),
        _i18n("description", "isCleanHtml", 4194303, kind="html"),
        _i18n("description_short", "isCleanHtml", 4194303, kind="html"),
        _i18n("available_now", "isGenericName", 255),
        _i18n("available_later", "IsGenericName", 255),
    ),
    (
        Assoc("categories", "category", (("id", {"required": True}),), settable=True),
        Assoc("images", "image", (("id", {}),)),
        Assoc("combinations", "combination", (("id", {"required": True}),), settable=True),
        Assoc("product_option_values", "product_option_value", (("id", {"required": True}),)),
        Assoc(
            "product_features",
            "product_feature",
            (
                ("id", {"required": True}),
                ("id_feature_value", {"required": True, "xlink": "product_feature_values"}),
            ),
            settable=True,
        ),
        Assoc("tags", "tag", (("id", {"required": True}),), settable=True),
        Assoc(
            "stock_availables",
            "stock_available",
            (("id", {"required": True}), ("id_product_attribute", {"required": True})),
        ),
        Assoc(
            "attachments", "attachment", (("id", {"required": True}),), "attachments", settable=True
        ),
        Assoc(
            "accessories",
            "product",
            (("id", {"required": True, "xlink": "products"}),),
            "products",
            settable=True,
        ),
        Assoc(
            "product_bundle",
            "product",
            (("id", {"required": True}), ("id_product_attribute", {}), ("quantity", {})),
            "products",
            settable=True,
        ),
    ),
)

STOCK_AVAILABLES = Resource(
    "stock_availables",
    "stock_available",
    "StockAvailable",
    (
        _id(),
        _f("id_product", "int", INT, "isUnsignedId", required=True, xlink="products"),
        _f("id_product_attribute", "int", INT, "isUnsignedId", required=True, xlink="combinations"),
        _f("id_shop", "int", INT, "isUnsignedId", xlink="shops"),
        _f("id_shop_group", "int", INT, "isUnsignedId", xlink="shop_groups"),
        _f("quantity", "int", INT, "isInt", required=True, range=(-2147483648, 2147483647)),
        _f("depends_on_stock", "bool", BOOL, "isBool", required=True),
        _f("out_of_stock", "int", INT, "isInt", required=True),
        _f("location", "string", S(255), "isString", size=255),
    ),
)

CUSTOMERS = Resource(
    "customers",
    "customer",
    "Customer",
    (
        _id(),
        _f("id_default_group", "int", INT, xlink="groups"),
        _f("id_lang", "int", INT, "isUnsignedId", xlink="languages"),
        _f("newsletter_date_add", "date", DATETIME),
        _f("ip_registration_newsletter", "string", S(15)),
        _f("last_passwd_gen", "string", DATETIME),
        _f("secure_key", "string", S(32), "isMd5"),
        _f("deleted", "bool", BOOL, "isBool"),
        _f("passwd", "string", S(255), "isHashedPassword", 255, True, setter="setWsPasswd"),
        _f("lastname", "string", S(255), "isCustomerName", 255, True),
        _f("firstname", "string", S(255), "isCustomerName", 255, True),
        _f("email", "string", S(255), "isEmail", 255, True),
        _f("id_gender", "int", INT, "isUnsignedId"),
        _f("birthday", "date", DATE, "isBirthDate"),
        _f("newsletter", "bool", BOOL, "isBool"),
        _f("optin", "bool", BOOL, "isBool"),
        _f("website", "string", S(128), "isUrl"),
        _f("company", "string", S(255), "isGenericName"),
        _f("siret", "string", S(14), "isGenericName"),
        _f("ape", "string", S(6), "isApe"),
        _f("outstanding_allow_amount", "float", D6, "isFloat"),
        _f("show_public_prices", "bool", BOOL, "isBool"),
        _f("id_risk", "int", INT, "isUnsignedInt"),
        _f("max_payment_days", "int", INT, "isUnsignedInt"),
        _f("active", "bool", BOOL, "isBool"),
        _f("note", "html", TEXT, size=4194303),
        _f("is_guest", "bool", BOOL, "isBool"),
        _f("id_shop", "int", INT, "isUnsignedId"),
        _f("id_shop_group", "int", INT, "isUnsignedId"),
        *_DATES,
        _f("reset_password_token", "string", S(40), "isSha1", 40),
        _f("reset_password_validity", "date", DATETIME, "isDateOrNull"),
    ),
    (Assoc("groups", "group", (), settable=True),),
)

ADDRESSES = Resource(
    "addresses",
    "address",
    "Address",
    (
        _id(),
        _f("id_customer", "int", INT, "isNullOrUnsignedId", xlink="customers"),
        _f("id_manufacturer", "int", INT, "isNullOrUnsignedId", xlink="manufacturers"),
        _f("id_supplier", "int", INT, "isNullOrUnsignedId", xlink="suppliers"),
        _f("id_warehouse", "int", INT, "isNullOrUnsignedId", xlink="warehouse"),
        _f("id_country", "int", INT, "isUnsignedId", required=True, xlink="countries"),
        _f("id_state", "int", INT, "isNullOrUnsignedId", xlink="states"),
        _f("alias", "string", S(32), "isGenericName", 32, True),
        _f("company", "string", S(255), "isGenericName", 255),
        _f("lastname", "string", S(255), "isName", 255, True),
        _f("firstname", "string", S(255), "isName", 255, True),
        _f("vat_number", "string", S(32), "isGenericName"),
        _f("address1", "string", S(128), "isAddress", 128, True),
        _f("address2", "string", S(128), "isAddress", 128),
        _f("postcode", "string", S(12), "isPostCode", 12),
        _f("city", "string", S(64), "isCityName", 64, True),
        _f("other", "string", TEXT, "isMessage", 4194303),
        _f("phone", "string", S(32), "isPhoneNumber", 32),
        _f("phone_mobile", "string", S(32), "isPhoneNumber", 32),
        _f("dni", "string", S(16), "isDniLite", 16),
        _f("deleted", "bool", BOOL, "isBool"),
        *_DATES,
    ),
)

COUNTRIES = Resource(
    "countries",
    "country",
    "Country",
    (
        _id(),
        _f("id_zone", "int", INT, "isUnsignedId", required=True, xlink="zones"),
        _f("id_currency", "int", INT, "isUnsignedId", xlink="currencies"),
        _f("call_prefix", "int", INT, "isInt"),
        _f("iso_code", "string", S(3), "isLanguageIsoCode", 3, True),
        _f("active", "bool", BOOL, "isBool"),
        _f("contains_states", "bool", BOOL, "isBool", required=True),
        _f("need_identification_number", "bool", BOOL, "isBool", required=True),
        _f("need_zip_code", "bool", BOOL, "isBool"),
        _f("zip_code_format", "string", S(12), "isZipCodeFormat"),
        _f("display_tax_label", "bool", BOOL, "isBool", required=True),
        _i18n("name", "isGenericName", 64, required=True),
    ),
)

LANGUAGES = Resource(
    "languages",
    "language",
    "Language",
    (
        _id(),
        _f("name", "string", S(32), "isGenericName", 32, True),
        _f("iso_code", "string", S(2), "isLanguageIsoCode", 2, True),
        _f("locale", "string", S(5), "isLocale", 5),
        _f("language_code", "string", S(5), "isLanguageCode", 5),
        _f("active", "bool", BOOL, "isBool"),
        _f("is_rtl", "bool", BOOL, "isBool"),
        _f("date_format_lite", "string", S(32), "isPhpDateFormat", 32, True),
        _f("date_format_full", "string", S(32), "isPhpDateFormat", 32, True),
    ),
)

ORDER_STATES = Resource(
    "order_states",
    "order_state",
    "OrderState",
    (
        _id(),
        _f("unremovable", "bool", BOOL, "isBool"),
        _f("delivery", "bool", BOOL, "isBool"),
        _f("hidden", "bool", BOOL, "isBool"),
        _f("send_email", "bool", BOOL, "isBool"),
        _f("module_name", "string", S(255), "isModuleName"),
        _f("invoice", "bool", BOOL, "isBool"),
        _f("color", "string", S(32), "isColor"),
        _f("logable", "bool", BOOL, "isBool"),
        _f("shipped", "bool", BOOL, "isBool"),
        _f("paid", "bool", BOOL, "isBool"),
        _f("pdf_delivery", "bool", BOOL, "isBool"),
        _f("pdf_invoice", "bool", BOOL, "isBool"),
        _f("deleted", "bool", BOOL, "isBool"),
        _i18n("name", "isGenericName", 64, required=True),
        _i18n("template", "isTplName", 64),
    ),
)

CURRENCIES = Resource(
    "currencies",
    "currency",
    "Currency",
    (
        _id(),
        Field("names", getter="getLocalizedNames", i18n=True, virtual=True),
        Field("name", getter="getName", required=True, virtual=True, modifier=True),
        Field("symbol", getter="getLocalizedSymbols", i18n=True, virtual=True, size=255),
        _f("iso_code", "string", S(3), "isLanguageIsoCode", 3, True),
        _f("numeric_iso_code", "string", S(3), "isNumericIsoCode", 3, allow_null=True),
        _f("precision", "int", INT, "isInt"),
        _f("conversion_rate", "float", ("dec", 6), "isUnsignedFloat", required=True),
        _f("deleted", "bool", BOOL, "isBool"),
        _f("active", "bool", BOOL, "isBool"),
        _f("unofficial", "bool", BOOL, "isBool"),
        _f("modified", "bool", BOOL, "isBool"),
        _i18n("pattern", None, 255),
    ),
    writable=False,
)

GROUPS = Resource(
    "groups",
    "group",
    "Group",
    (
        _id(),
        _f("reduction", "float", D2, "isFloat"),
        _f("price_display_method", "int", INT, "isPriceDisplayMethod", required=True),
        _f("show_prices", "bool", BOOL, "isBool"),
        *_DATES,
        _i18n("name", "isGenericName", 32, required=True),
    ),
)

TAX_RULE_GROUPS = Resource(
    "tax_rule_groups",
    "tax_rule_group",
    "TaxRulesGroup",
    (
        _id(),
        _f("name", "string", S(50), "isGenericName", 64, True),
        _f("active", "bool", BOOL, "isBool"),
        _f("deleted", "bool", BOOL, "isBool"),
        *_DATES,
    ),
)

_TOTALS = (
    "total_discounts",
    "total_discounts_tax_incl",
    "total_discounts_tax_excl",
    "total_paid",
    "total_paid_tax_incl",
    "total_paid_tax_excl",
    "total_paid_real",
    "total_products",
    "total_products_wt",
    "total_shipping",
    "total_shipping_tax_incl",
    "total_shipping_tax_excl",
)
_REQUIRED_TOTALS = {"total_paid", "total_paid_real", "total_products", "total_products_wt"}

ORDERS = Resource(
    "orders",
    "order",
    "Order",
    (
        _id(),
        _f("id_address_delivery", "int", INT, "isUnsignedId", required=True, xlink="addresses"),
        _f("id_address_invoice", "int", INT, "isUnsignedId", required=True, xlink="addresses"),
        _f("id_cart", "int", INT, "isUnsignedId", required=True, xlink="carts"),
        _f("id_currency", "int", INT, "isUnsignedId", required=True, xlink="currencies"),
        _f("id_lang", "int", INT, "isUnsignedId", required=True, xlink="languages"),
        _f("id_customer", "int", INT, "isUnsignedId", required=True, xlink="customers"),
        _f("id_carrier", "int", INT, "isUnsignedId", required=True, xlink="carriers"),
        _f(
            "current_state",
            "int",
            INT,
            "isUnsignedId",
            xlink="order_states",
            setter="setWsCurrentState",
        ),
        _f("module", "string", S(255), "isModuleName", required=True),
        _f("invoice_number", "int", INT),
        _f("invoice_date", "date", DATETIME),
        _f("delivery_number", "int", INT),
        _f("delivery_date", "date", DATETIME),
        _f("valid", "bool", BOOL),
        *_DATES,
        Field(
            "shipping_number",
            getter="getWsShippingNumber",
            setter="setWsShippingNumber",
            virtual=True,
            prop=False,
        ),
        _f("note", "html", TEXT, size=4194303),
        _f("id_shop_group", "int", INT, "isUnsignedId"),
        _f("id_shop", "int", INT, "isUnsignedId"),
        _f("secure_key", "string", S(32), "isMd5"),
        _f("payment", "string", S(255), "isGenericName", required=True),
        _f("recyclable", "bool", BOOL, "isBool"),
        _f("gift", "bool", BOOL, "isBool"),
        _f("gift_message", "string", TEXT, "isCleanHtml", 4194303),
        _f("mobile_theme", "bool", BOOL, "isBool"),
        *(_f(n, "float", D6, "isPrice", required=n in _REQUIRED_TOTALS) for n in _TOTALS),
        _f("carrier_tax_rate", "float", D3, "isFloat"),
        _f("total_wrapping", "float", D6, "isPrice"),
        _f("total_wrapping_tax_incl", "float", D6, "isPrice"),
        _f("total_wrapping_tax_excl", "float", D6, "isPrice"),
        _f("round_mode", "int", INT, "isUnsignedId"),
        _f("round_type", "int", INT, "isUnsignedId"),
        _f("conversion_rate", "float", ("dec", 6), "isFloat", required=True),
        _f("reference", "string", S(9)),
    ),
    (
        Assoc(
            "order_rows",
            "order_row",
            (
                ("id", {}),
                ("product_id", {"required": True, "xlink": "products"}),
                ("product_attribute_id", {"required": True}),
                ("product_quantity", {"required": True}),
                ("product_name", {}),
                ("product_reference", {}),
                ("product_ean13", {}),
                ("product_isbn", {}),
                ("product_upc", {}),
                ("product_price", {}),
                ("id_customization", {"xlink": "customizations"}),
                ("unit_price_tax_incl", {}),
                ("unit_price_tax_excl", {}),
            ),
            virtual_entity=True,
        ),
    ),
)

_DETAIL_PRICES = (
    "unit_price_tax_incl",
    "unit_price_tax_excl",
    "total_price_tax_incl",
    "total_price_tax_excl",
    "total_shipping_price_tax_excl",
    "total_shipping_price_tax_incl",
    "purchase_supplier_price",
    "original_product_price",
    "original_wholesale_price",
    "total_refunded_tax_excl",
    "total_refunded_tax_incl",
)

ORDER_DETAILS = Resource(
    "order_details",
    "order_detail",
    "OrderDetail",
    (
        _id(),
        _f("id_order", "int", INT, "isUnsignedId", required=True, xlink="orders"),
        _f("product_id", "int", INT, "isUnsignedId", xlink="products"),
        _f("product_attribute_id", "int", INT, "isUnsignedId", xlink="combinations"),
        _f("product_quantity_reinjected", "int", INT, "isUnsignedInt"),
        _f("group_reduction", "float", D2, "isFloat"),
        _f("discount_quantity_applied", "int", INT, "isInt"),
        _f("download_hash", "string", S(255), "isGenericName"),
        _f("download_deadline", "date", DATETIME, "isDateFormat"),
        _f("id_order_invoice", "int", INT, "isUnsignedId"),
        _f("id_warehouse", "int", INT, "isUnsignedId", required=True),
        _f("id_shop", "int", INT, "isUnsignedId", required=True),
        _f("id_customization", "int", INT, "isUnsignedId"),
        _f("product_name", "string", TEXT, "isGenericName", 4194303, True),
        _f("product_quantity", "int", INT, "isInt", required=True),
        _f("product_quantity_in_stock", "int", INT, "isInt"),
        _f("product_quantity_return", "int", INT, "isUnsignedInt"),
        _f("product_quantity_refunded", "int", INT, "isUnsignedInt"),
        _f("product_price", "float", D6, "isPrice", required=True),
        _f("reduction_percent", "float", D2, "isFloat"),
        _f("reduction_amount", "float", D6, "isPrice"),
        _f("reduction_amount_tax_incl", "float", D6, "isPrice"),
        _f("reduction_amount_tax_excl", "float", D6, "isPrice"),
        _f("product_quantity_discount", "float", D6, "isFloat"),
        _f("product_ean13", "string", S(13), "isEan13"),
        _f("product_isbn", "string", S(32), "isIsbn"),
        _f("product_upc", "string", S(12), "isUpc"),
        _f("product_mpn", "string", S(40), "isMpn"),
        _f("product_reference", "string", S(64), "isReference"),
        _f("product_supplier_reference", "string", S(64), "isReference"),
        _f("product_weight", "float", D6, "isFloat"),
        _f("tax_name", "string", S(16), "isGenericName", hidden=True),
        _f("tax_rate", "float", D3, "isFloat", hidden=True),
        _f("tax_computation_method", "int", INT, "isUnsignedId"),
        _f("id_tax_rules_group", "int", INT, "isInt"),
        _f("ecotax", "float", D6, "isFloat"),
        _f("ecotax_tax_rate", "float", D3, "isFloat"),
        _f("download_nb", "int", INT, "isInt"),
        *(_f(n, "float", D6, "isPrice") for n in _DETAIL_PRICES),
    ),
    (Assoc("taxes", "tax", (("id", {}),)),),
)

SERVED = {
    r.name: r
    for r in (
        ADDRESSES,
        COUNTRIES,
        CURRENCIES,
        CUSTOMERS,
        GROUPS,
        LANGUAGES,
        ORDER_DETAILS,
        ORDER_STATES,
        ORDERS,
        PRODUCTS,
        STOCK_AVAILABLES,
        TAX_RULE_GROUPS,
    )
}

# WebserviceRequest::getResources(): every resource name, its description and the methods the
# webservice refuses for it whatever the key. The fake serves only SERVED; the others are known
# (resource list, permissions, "did you mean") and answer the fake's own 501.
_NO_WRITE = ("PUT", "POST", "PATCH", "DELETE")
ALL_RESOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "addresses": ("The Customer, Brand and Customer addresses", ()),
    "attachments": ("The product Attachments", ()),
    "carriers": ("The Carriers", ()),
    "carts": ("Customer's carts", ()),
    "cart_rules": ("Cart rules management", ()),
    "categories": ("The product categories", ()),
    "combinations": ("The product combinations", ()),
    "configurations": ("Shop configuration", ()),
    "contacts": ("Shop contacts", ()),
    "countries": ("The countries", ()),
    "currencies": ("The currencies", ()),
    "customers": ("The e-shop's customers", ()),
    "customer_threads": ("Customer services threads", ()),
    "customer_messages": ("Customer services messages", ()),
    "deliveries": ("Product delivery", ()),
    "groups": ("The customer's groups", ()),
    "guests": ("The guests", ()),
    "images": ("The images", ()),
    "image_types": ("The image types", ()),
    "languages": ("Shop languages", ()),
    "manufacturers": ("The product brands", ()),
    "messages": ("The Messages", ()),
    "order_carriers": ("The Order carriers", ()),
    "order_cart_rules": ("The Order cart rules", ()),
    "order_details": ("Details of an order", ()),
    "order_histories": ("The Order histories", ()),
    "order_invoices": ("The Order invoices", ()),
    "orders": ("The Customers orders", ()),
    "order_payments": ("The Order payments", ()),
    "order_states": ("The Order statuses", ()),
    "order_slip": ("The Order slips", ()),
    "price_ranges": ("Price ranges", ()),
    "product_features": ("The product features", ()),
    "product_feature_values": ("The product feature values", ()),
    "product_options": ("The product options", ()),
    "product_option_values": ("The product options value", ()),
    "products": ("The products", ()),
    "states": ("The available states of countries", ()),
    "stores": ("The stores", ()),
    "suppliers": ("The product suppliers", ()),
    "tags": ("The Products tags", ()),
    "translated_configurations": ("Shop configuration", ()),
    "weight_ranges": ("Weight ranges", ()),
    "zones": ("The Countries zones", ()),
    "employees": ("The Employees", ()),
    "search": ("Search", _NO_WRITE),
    "content_management_system": ("Content management system", ()),
    "shops": ("Shops from multi-shop feature", ()),
    "shop_groups": ("Shop groups from multi-shop feature", ()),
    "taxes": ("The tax rate", ()),
    "stock_movements": ("Stock movements", _NO_WRITE),
    "stock_movement_reasons": ("Stock movement reason", ()),
    "warehouses": ("Warehouses", ("DELETE",)),
    "stocks": ("Stocks", _NO_WRITE),
    "stock_availables": ("Available quantities", ("POST", "DELETE")),
    "warehouse_product_locations": ("Location of products in warehouses", _NO_WRITE),
    "supply_orders": ("Supply Orders", _NO_WRITE),
    "supply_order_details": ("Supply Order Details", _NO_WRITE),
    "supply_order_states": ("Supply Order Statuses", _NO_WRITE),
    "supply_order_histories": ("Supply Order Histories", _NO_WRITE),
    "supply_order_receipt_histories": ("Supply Order Receipt Histories", _NO_WRITE),
    "product_suppliers": ("Product Suppliers", ()),
    "tax_rules": ("Tax rules entity", ()),
    "tax_rule_groups": ("Tax rule groups", ()),
    "specific_prices": ("Specific price management", ()),
    "specific_price_rules": ("Specific price management", ()),
    "shop_urls": ("Shop URLs from multi-shop feature", ()),
    "product_customization_fields": ("Customization Field", ()),
    "customizations": ("Customization values", ()),
}
# getResources() ends with ksort(): the resource list and "did you mean" use this order.
ALL_RESOURCES = dict(sorted(ALL_RESOURCES.items()))
SPECIFIC_MANAGEMENT = {"attachments", "images", "search"}
