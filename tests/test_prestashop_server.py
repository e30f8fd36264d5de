"""The fake PrestaShop answers as PrestaShop 8.2.0's webservice does (tests/prestashop/SOURCES.md):
shapes compared with the examples of PrestaShop's documentation, codes and messages with its
code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import httpx
import pytest

from tests.prestashop import KEY, Shop, all_methods, running_shop, seed

XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def shop():
    shop = Shop()
    shop.freeze("2024-05-02 10:00:00")
    products = seed.catalogue(shop, 6)
    buyers = seed.clientele(shop, 3)
    seed.order_book(shop, 4, products, buyers)
    return shop


@pytest.fixture
def server(shop):
    with running_shop(shop) as server:
        yield server


@pytest.fixture
def api(server):
    with httpx.Client(base_url=server.api_url, auth=(KEY, ""), timeout=5, verify=False) as client:
        yield client


# verify=False: plain http on loopback, and no certificate store loaded for each test.
@pytest.fixture
def anon(server):
    """A client sending no key of its own."""
    with httpx.Client(base_url=server.api_url, timeout=5, verify=False) as client:
        yield client


@pytest.fixture
def admin(server, shop):
    """A client whose key has every method on every served resource."""
    full = "F" * 32
    shop.add_key(full, all_methods(*seed.LIAISON_PERMISSIONS))
    with httpx.Client(base_url=server.api_url, auth=(full, ""), timeout=5, verify=False) as client:
        yield client


def xml(response: httpx.Response) -> ET.Element:
    return ET.fromstring(response.content)


def errors(response: httpx.Response) -> list[tuple[int, str]]:
    return [(int(e.findtext("code")), e.findtext("message")) for e in xml(response).iter("error")]


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


# ---- authentication and permissions (WebserviceRequest::authenticate, checkResource) ----


def test_a_request_without_key_is_refused_by_the_dispatcher(anon):
    response = anon.get("products")
    assert response.status_code == 401
    assert response.text == "401 Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith(
        'Basic realm="Welcome to PrestaShop Webservice'
    )


def test_an_unknown_key_gets_the_two_errors_and_no_version(anon):
    response = anon.get("products", auth=("Z" * 32, ""))
    assert response.status_code == 401
    assert errors(response) == [
        (20, "Authentification key is not active"),
        (21, "No permission for this authentication key"),
    ]
    assert response.headers["PSWS-Version"] == "0"
    assert "WWW-Authenticate" in response.headers


def test_a_key_of_the_wrong_length_and_the_ws_key_parameter(anon):
    short = anon.get("products", auth=("GOODKEY", ""))
    assert errors(short) == [(18, "Invalid authentication key format")]
    by_parameter = anon.get("products", params={"ws_key": KEY})
    assert by_parameter.status_code == 200
    assert by_parameter.headers["PSWS-Version"] == "8.2.0"


def test_a_resource_or_a_method_the_key_lacks(anon, shop):
    other = "K" * 32
    shop.add_key(other, {"customers": {"GET"}, "stock_availables": set(all_methods("x")["x"])})
    auth = (other, "")
    refused = anon.get("products", auth=auth)
    assert refused.status_code == 401
    assert errors(refused) == [
        (26, 'Resource of type "products" is not allowed with this authentication key')
    ]
    no_post = anon.post("customers", auth=auth, content="<prestashop/>")
    assert no_post.status_code == 405
    assert errors(no_post) == [
        (25, "Method POST is not allowed for the resource customers with this authentication key")
    ]
    never = anon.post("stock_availables", auth=auth, content="<prestashop/>")
    assert never.status_code == 405
    assert errors(never) == [(101, "Method POST is not allowed for the resource stock_availables")]


def test_the_webservice_switched_off_answers_503(server, shop, api):
    shop.webservice_enabled = False
    response = api.get("products")
    assert response.status_code == 503
    assert errors(response)[0][0] == 22


def test_the_resource_list_shows_the_keys_resources_in_order(api):
    response = api.get("")
    root = xml(response)
    listed = children(root.find("api"))
    assert listed == sorted(seed.LIAISON_PERMISSIONS)
    stock = root.find("api/stock_availables")
    assert stock.get("get") == "true" and stock.get("post") == "false"
    assert stock.get(XLINK).endswith("/api/stock_availables")
    assert [s.get("type") for s in stock.findall("schema")] == ["blank", "synopsis"]
    assert root.find("api").get("shopName") == "Ferme des Trois Chênes"


def test_an_unknown_resource_suggests_the_nearest(api):
    response = api.get("product")
    assert response.status_code == 400
    code, message = errors(response)[0]
    assert code == 27
    assert message.startswith(
        'Resource of type "product" does not exists. Did you mean: "products"?'
        ' The full list is: "addresses",'
    )


# ---- schemas, compared with the documentation's blank schemas ----

DOCS_BLANK = {
    # devdocs.prestashop-project.org/8/webservice/resources/<name> (PrestaShop/docs, branch 8.x)
    "customers": "id id_default_group id_lang newsletter_date_add ip_registration_newsletter "
    "last_passwd_gen secure_key deleted passwd lastname firstname email id_gender birthday "
    "newsletter optin website company siret ape outstanding_allow_amount show_public_prices "
    "id_risk max_payment_days active note is_guest id_shop id_shop_group date_add date_upd "
    "reset_password_token reset_password_validity associations",
    "addresses": "id id_customer id_manufacturer id_supplier id_warehouse id_country id_state "
    "alias company lastname firstname vat_number address1 address2 postcode city other phone "
    "phone_mobile dni deleted date_add date_upd",
    "stock_availables": "id id_product id_product_attribute id_shop id_shop_group quantity "
    "depends_on_stock out_of_stock location",
    "orders": "id id_address_delivery id_address_invoice id_cart id_currency id_lang id_customer "
    "id_carrier current_state module invoice_number invoice_date delivery_number delivery_date "
    "valid date_add date_upd shipping_number note id_shop_group id_shop secure_key payment "
    "recyclable gift gift_message mobile_theme total_discounts total_discounts_tax_incl "
    "total_discounts_tax_excl total_paid total_paid_tax_incl total_paid_tax_excl "
    "total_paid_real total_products total_products_wt total_shipping total_shipping_tax_incl "
    "total_shipping_tax_excl carrier_tax_rate total_wrapping total_wrapping_tax_incl "
    "total_wrapping_tax_excl round_mode round_type conversion_rate reference associations",
    "countries": "id id_zone id_currency call_prefix iso_code active contains_states "
    "need_identification_number need_zip_code zip_code_format display_tax_label name",
    "languages": "id name iso_code locale language_code active is_rtl date_format_lite "
    "date_format_full",
    "order_states": "id unremovable delivery hidden send_email module_name invoice color logable "
    "shipped paid pdf_delivery pdf_invoice deleted name template",
    "currencies": "id names name symbol iso_code numeric_iso_code precision conversion_rate "
    "deleted active unofficial modified pattern",
    "groups": "id reduction price_display_method show_prices date_add date_upd name",
    "tax_rule_groups": "id name active deleted date_add date_upd",
    "products": "id id_manufacturer id_supplier id_category_default new cache_default_attribute "
    "id_default_image id_default_combination id_tax_rules_group position_in_category type "
    "id_shop_default reference supplier_reference location width height depth weight "
    "quantity_discount ean13 isbn upc mpn cache_is_pack cache_has_attachments is_virtual state "
    "additional_delivery_times delivery_in_stock delivery_out_stock on_sale online_only ecotax "
    "minimal_quantity low_stock_threshold low_stock_alert price wholesale_price unity "
    "unit_price_ratio additional_shipping_cost customizable text_fields uploadable_files active "
    "redirect_type id_type_redirected available_for_order available_date show_condition "
    "condition show_price indexed visibility advanced_stock_management date_add date_upd "
    "pack_stock_type meta_description meta_keywords meta_title link_rewrite name description "
    "description_short available_now available_later associations",
}
# The documentation was generated on 1.7.8; 8.x's Product::$definition added these two fields.
ADDED_SINCE_THE_DOCUMENTATION = {"products": {"product_type", "unit_price"}}


@pytest.mark.parametrize("resource", sorted(DOCS_BLANK))
def test_blank_schemas_have_the_documented_fields_in_order(api, resource):
    entity = xml(api.get(resource, params={"schema": "blank"}))[0]
    ours = [t for t in children(entity) if t not in ADDED_SINCE_THE_DOCUMENTATION.get(resource, ())]
    assert ours == DOCS_BLANK[resource].split()


def test_the_stock_blank_schema_byte_for_byte(api):
    fields = DOCS_BLANK["stock_availables"].split()
    expected = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n<stock_available>\n'
        + "".join(f"\t<{f}><![CDATA[]]></{f}>\n" for f in fields)
        + "</stock_available>\n</prestashop>\n"
    )
    assert api.get("stock_availables", params={"schema": "blank"}).text == expected


def test_blank_product_associations_and_languages(api):
    product = xml(api.get("products", params={"schema": "blank"})).find("product")
    assert [language.get("id") for language in product.find("name")] == ["1", "2"]
    stock = product.find("associations/stock_availables")
    assert stock.attrib == {}
    assert children(stock.find("stock_available")) == ["id", "id_product_attribute"]


def test_the_synopsis_says_formats_sizes_and_what_is_read_only(api):
    text = api.get("products", params={"schema": "synopsis"}).text
    product = xml(api.get("products", params={"schema": "synopsis"})).find("product")
    assert product.find("id") is None
    assert product.find("reference").attrib == {"maxSize": "64", "format": "isReference"}
    assert product.find("price").attrib == {"required": "true", "format": "isPrice"}
    assert product.find("quantity").attrib == {
        "notFilterable": "true",
        "read_only": "true",
        "readOnly": "true",
    }
    assert '<language id="1" xlink:href="' in text and ' format="isUnsignedId" >' in text
    assert errors(api.get("products", params={"schema": "other"}))[0][0] == 28


# ---- lists: display, filter, sort, limit ----


def test_a_list_is_minimal_by_default_and_pages_with_limit(api):
    root = xml(api.get("products"))
    assert [p.get("id") for p in root.find("products")] == ["1", "2", "3", "4", "5", "6"]
    assert root.find("products/product").get(XLINK).endswith("/api/products/1")
    page = xml(api.get("products", params={"limit": "2,3", "sort": "[id_ASC]"}))
    assert [p.get("id") for p in page.find("products")] == ["3", "4", "5"]
    first = xml(api.get("products", params={"limit": "2"}))
    assert [p.get("id") for p in first.find("products")] == ["1", "2"]
    empty = api.get("products", params={"limit": "10,5"})
    assert empty.text.endswith("<products>\n</products>\n</prestashop>\n")
    assert errors(api.get("products", params={"limit": "1,2,3"}))[0][0] == 39


def test_display_full_and_a_chosen_set_of_fields(api):
    full = xml(api.get("products", params={"display": "full", "limit": "1"}))
    product = full.find("products/product")
    assert product.findtext("reference") == "ART00001"
    assert product.find("associations/stock_availables/stock_available/id") is not None
    chosen = xml(api.get("products", params={"display": "[id,reference,stock_availables[id]]"}))
    first = chosen.find("products/product")
    assert children(first) == ["id", "reference", "associations"]
    assert children(first.find("associations/stock_availables/stock_available")) == ["id"]
    bad = errors(api.get("products", params={"display": "[id,nope]"}))
    assert bad[0][0] == 35 and bad[0][1].startswith('Unable to display this field "nope". However')
    assert errors(api.get("products", params={"display": "id"}))[0][0] == 36


def test_filters_as_sqlutils_builds_them(api, shop):
    def ids(**params):
        root = xml(api.get("products", params=params))
        return [int(p.get("id")) for p in root.find("products")]

    assert ids(**{"filter[reference]": "[ART00002]"}) == [2]
    assert ids(**{"filter[reference]": "[art00002]"}) == [2]  # general_ci: case ignored
    assert ids(**{"filter[id]": "[2|4]"}) == [2, 4]
    assert ids(**{"filter[id]": "[5,3]"}) == [3, 4, 5]  # an interval, bounds sorted
    assert ids(**{"filter[reference]": "[ART0000]%"}) == [1, 2, 3, 4, 5, 6]
    assert ids(**{"filter[reference]": "%[05]"}) == [5]
    assert ids(**{"filter[id]": ">[4]"}) == [5, 6]
    assert ids(**{"filter[id]": "![1|2|3]"}) == [4, 5, 6]
    assert ids(**{"filter[reference]": "ART00006"}) == [6]
    shop.update_row("products", 3, {"name": {1: "Blé tendre", 2: "Soft wheat"}})
    assert ids(**{"filter[name]": "[ble TENDRE]"}) == [3]  # accents ignored too
    assert ids(**{"filter[name]": "[soft wheat]"}) == [3]  # any language


def test_filter_errors(api):
    assert errors(api.get("products", params={"filter[nope]": "[1]"}))[0][0] == 32
    assert errors(api.get("products", params={"filter[reference]": ""})) == [
        (33, 'The filter "reference" is malformed.')
    ]
    dynamic = errors(api.get("products", params={"filter[quantity]": "[1]"}))
    assert dynamic == [
        (
            34,
            'The field "quantity" is dynamic.'
            " It is not possible to filter GET query with this field.",
        )
    ]
    assert errors(api.get("products", params={"filter[x][y]": "1"}))[0][0] == 31


def test_date_upd_filters_need_date_1_and_are_to_the_second(api, shop):
    shop.advance(3600)
    shop.set_order_state(2, 4)  # 2024-05-02 11:00:00
    refused = errors(
        api.get("orders", params={"filter[date_upd]": "[2024-05-02 10:30:00,2024-05-03]"})
    )
    assert refused[0][0] == 32 and refused[0][1].startswith("This filter does not exist.")

    def ids(window):
        params = {"filter[date_upd]": window, "date": "1", "sort": "[date_upd_ASC,id_ASC]"}
        return [int(o.get("id")) for o in xml(api.get("orders", params=params)).find("orders")]

    assert ids("[2024-05-02 10:30:00,2024-05-03 00:00:00]") == [2]
    assert ids("[2024-05-02 11:00:00,2024-05-02 11:00:00]") == [2]  # both bounds included
    assert ids("[2024-05-01,2024-05-02]") == []  # a bare date is midnight
    assert ids(">[2024-05-02 10:00:00]") == [2]
    assert ids("[2024-05-02 10:00:00,2024-05-02 11:00:00]") == [1, 3, 4, 2]
    order = xml(api.get("orders/2")).find("order")
    assert order.findtext("date_upd") == "2024-05-02 11:00:00"
    assert order.findtext("current_state") == "4"


def test_sort_errors(api):
    assert errors(api.get("products", params={"sort": "[id]"}))[0][0] == 37
    unknown = errors(api.get("products", params={"sort": "[date_upd_DESC]"}))[0]
    assert unknown[0] == 38 and ", for i18n fields:" in unknown[1]
    ordered = xml(api.get("products", params={"sort": "[id_DESC]", "limit": "2"}))
    assert [p.get("id") for p in ordered.find("products")] == ["6", "5"]


def test_the_language_parameter(api):
    product = xml(api.get("products/1", params={"language": "2"})).find("product")
    assert [language.get("id") for language in product.find("name")] == ["2"]
    assert errors(api.get("products/1", params={"language": "x"}))[0][0] == 79


# ---- one resource ----


def test_one_product_as_the_shop_writes_it(api):
    response = api.get("products/1")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert re.fullmatch(r"[0-9a-f]{40}", response.headers["Content-Sha1"])
    text = response.text
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n<product>\n\t<id><![CDATA[1]]></id>\n'
    )
    assert "\t<id_manufacturer><![CDATA[0]]></id_manufacturer>\n" in text  # no link to id 0
    assert '/api/categories/2"><![CDATA[2]]></id_category_default>' in text
    assert '\t<quantity notFilterable="true"><![CDATA[0]]></quantity>\n' in text
    assert "<price><![CDATA[" in text and re.search(r"<price><!\[CDATA\[\d+\.\d{6}\]\]>", text)
    assert '<images nodeType="image" api="images"/>\n' in text
    assert '</language><language id="2"' in text  # language nodes run together


def test_an_unknown_id_is_an_empty_404(api):
    response = api.get("products/999")
    assert response.status_code == 404
    assert response.content == b""
    assert "Content-Type" not in response.headers


def test_head_answers_the_headers_only(api):
    response = api.head("products/1")
    assert response.status_code == 200 and response.content == b""


def test_an_order_links_its_customer_addresses_and_products(api, shop):
    order = xml(api.get("orders/1")).find("order")
    customer_id = order.findtext("id_customer")
    assert order.find("id_customer").get(XLINK).endswith(f"/api/customers/{customer_id}")
    assert (
        order.find("id_address_delivery")
        .get(XLINK)
        .endswith("/api/addresses/" + order.findtext("id_address_delivery"))
    )
    rows = order.find("associations/order_rows")
    assert rows.attrib == {"nodeType": "order_row", "virtualEntity": "true"}
    total = Decimal(0)
    for row in rows:
        product = shop.row("products", int(row.findtext("product_id")))
        assert row.findtext("product_reference") == product["reference"]
        assert row.find("product_id").get(XLINK).endswith("/api/products/" + product["id"])
        total += Decimal(row.findtext("unit_price_tax_excl")) * int(
            row.findtext("product_quantity")
        )
    assert total == Decimal(order.findtext("total_products"))
    detail = xml(api.get("order_details", params={"filter[id_order]": "[1]", "display": "full"}))
    assert detail.find("order_details/order_detail/tax_rate") is None  # hidden field
    assert detail.find("order_details/order_detail/associations/taxes/tax/id").text == "1"


# ---- writes ----

PRODUCT = """<prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><product>
<id></id><reference>GC-42</reference><price>{price}</price><active>1</active>
<name><language id="1"><![CDATA[{name}]]></language></name>{more}
</product></prestashop>"""


def post_product(api, price="12.5", name="Blé & orge d'été", more=""):
    return api.post("products", content=PRODUCT.format(price=price, name=name, more=more))


def test_posting_a_product_creates_it_and_its_stock(api, shop):
    response = post_product(api)
    assert response.status_code == 201
    created = xml(response).find("product")
    new_id = int(created.findtext("id"))
    assert created.findtext("price") == "12.5"  # the object as sent, not re-read
    assert created.findtext("state") == ""
    stock_id = created.findtext("associations/stock_availables/stock_available/id")
    row = shop.row("products", new_id)
    assert row["price"] == "12.500000"
    assert row["state"] == "0"  # omitted: 0, a "temporary" product the back office hides
    assert row["available_for_order"] == "0" and row["visibility"] == "both"
    assert row["link_rewrite"] == {1: "ble-orge-d-ete", 2: ""}
    assert row["name"] == {1: "Blé & orge d'été", 2: ""}
    stock = shop.row("stock_availables", int(stock_id))
    assert (stock["id_product"], stock["quantity"], stock["out_of_stock"]) == (
        str(new_id),
        "0",
        "2",
    )
    again = xml(api.get(f"products/{new_id}")).find("product")
    assert again.findtext("price") == "12.500000"


def test_what_the_product_validation_refuses(api):
    missing = api.post(
        "products", content="<prestashop><product><reference>X</reference></product></prestashop>"
    )
    assert missing.status_code == 400
    assert errors(missing) == [(41, 'parameter "price" required')]
    comma = post_product(api, price="12,50")
    assert errors(comma) == [(85, 'Validation error: "Property Product->price is not valid"')]
    bracket = post_product(api, name="Blé <bio>")
    assert errors(bracket) == [(84, 'Validation error: "Property Product->name is not valid"')]
    # link_rewrite, made from the name, comes first in Product::$definition and fails first
    too_long = post_product(api, name="é" * 129)
    assert errors(too_long) == [
        (
            84,
            'Validation error: "The length of property Product->link_rewrite is currently 129'
            ' chars. It must be between 0 and 128 chars."',
        )
    ]
    quantity = post_product(api, more="<quantity>5</quantity>")
    assert errors(quantity) == [
        (93, 'parameter "quantity" not writable. Please remove this attribute of this XML')
    ]
    with_id = api.post(
        "products",
        content=PRODUCT.format(price="1", name="x", more="").replace("<id></id>", "<id>3</id>"),
    )
    assert errors(with_id) == [(91, "id is forbidden when adding a new resource")]
    broken = api.post("products", content="<prestashop><product>&</product></prestashop>")
    assert broken.status_code == 500
    assert errors(broken)[0][0] == 127


def test_an_unknown_association_is_refused_after_the_save(api, shop):
    before = len(shop.tables["products"])
    response = post_product(api, more="<associations><nope><x><id>1</id></x></nope></associations>")
    assert errors(response) == [(86, 'The association "nope" does not exists')]
    assert len(shop.tables["products"]) == before + 1


def test_put_rewrites_every_field_and_nulls_the_omitted_ones(api, shop):
    response = api.put(
        "products/2",
        content="<prestashop><product><id>2</id><price>9.90</price></product></prestashop>",
    )
    assert response.status_code == 200
    row = shop.row("products", 2)
    assert row["price"] == "9.900000"
    assert row["reference"] == "" and row["name"] == {1: "", 2: ""}  # gone
    assert row["date_upd"] == "2024-05-02 10:00:00"
    no_id = api.put(
        "products", content="<prestashop><product><price>1</price></product></prestashop>"
    )
    assert errors(no_id) == [(90, "id is required when modifying a resource")]
    unknown = api.put(
        "products",
        content="<prestashop><product><id>99</id><price>1</price></product></prestashop>",
    )
    assert unknown.status_code == 404 and errors(unknown) == [(92, "Invalid ID")]


def test_the_stock_is_set_on_stock_availables(api, shop):
    stock = api.get("stock_availables", params={"filter[id_product]": "[3]", "display": "full"})
    entity = xml(stock).find("stock_availables/stock_available")
    stock_id = entity.findtext("id")
    entity.find("quantity").text = "42"
    body = ET.tostring(ET.Element("prestashop"), encoding="unicode").replace(
        "<prestashop />", "<prestashop>" + ET.tostring(entity, encoding="unicode") + "</prestashop>"
    )
    assert api.put(f"stock_availables/{stock_id}", content=body).status_code == 200
    assert shop.stock_quantity(3) == 42
    patch = (
        f"<prestashop><stock_available><id>{stock_id}</id><quantity>-2</quantity>"
        "</stock_available></prestashop>"
    )
    assert api.patch("stock_availables", content=patch).status_code == 200
    assert shop.stock_quantity(3) == -2
    partial_put = api.put("stock_availables", content=patch)
    assert errors(partial_put) == [(41, 'parameter "id_product" required')]


def test_a_stock_put_without_its_shop_leaves_the_shop_without_stock(api, shop):
    stock_id = shop.rows_where("stock_availables", "id_product", "4")[0]["id"]
    body = (
        f"<prestashop><stock_available><id>{stock_id}</id><id_product>4</id_product>"
        "<id_product_attribute>0</id_product_attribute><quantity>7</quantity>"
        "<depends_on_stock>0</depends_on_stock><out_of_stock>2</out_of_stock>"
        "</stock_available></prestashop>"
    )
    assert api.put("stock_availables", content=body).status_code == 200
    assert shop.row("stock_availables", int(stock_id))["id_shop"] == "0"
    assert shop.stock_quantity(4) == 0
    assert xml(api.get("products/4")).find("product/associations/stock_availables").attrib
    assert xml(api.get("products/4")).find("product/associations/stock_availables/*") is None


CUSTOMER = """<prestashop><customer><passwd>{password}</passwd><lastname>Bénard</lastname>
<firstname>Élodie</firstname><email>{email}</email><id_default_group>3</id_default_group>
<active>1</active><company>EARL Bénard &amp; Fils</company></customer></prestashop>"""


def test_posting_a_customer_hashes_the_password_and_refuses_a_used_email(api, shop):
    created = api.post(
        "customers", content=CUSTOMER.format(password="s3cret!", email="elodie@exemple.fr")
    )
    assert created.status_code == 201
    customer = xml(created).find("customer")
    assert len(customer.findtext("passwd")) == 60
    assert len(customer.findtext("secure_key")) == 32
    assert customer.findtext("company") == "EARL Bénard & Fils"
    assert customer.find("associations/groups/group/id").text == "3"
    again = api.post("customers", content=CUSTOMER.format(password="x", email="elodie@exemple.fr"))
    assert again.status_code == 500
    assert errors(again) == [
        (140, "The email is already used, please choose another one"),
        (46, "Unable to save resource"),
    ]
    bad = api.post("customers", content=CUSTOMER.format(password="x", email="pas un courriel"))
    assert errors(bad) == [(85, 'Validation error: "Property Customer->email is not valid"')]


def test_posting_an_address_for_a_customer(api):
    body = (
        "<prestashop><address><id_customer>1</id_customer><id_country>8</id_country>"
        "<alias>Siège</alias><lastname>O'Neill</lastname><firstname>Noël</firstname>"
        "<address1>1 rue de l'Église</address1><postcode>02400</postcode>"
        "<city>Château-Thierry</city></address></prestashop>"
    )
    response = api.post("addresses", content=body)
    assert response.status_code == 201
    address = xml(response).find("address")
    assert address.find("id_customer").get(XLINK).endswith("/api/customers/1")
    digits = api.post("addresses", content=body.replace("Noël", "Noël 2"))
    assert errors(digits) == [(85, 'Validation error: "Property Address->firstname is not valid"')]


def test_delete(admin, shop):
    assert admin.delete("addresses/1").status_code == 200
    assert shop.row("addresses", 1) is None
    gone = admin.delete("addresses/1")
    assert gone.status_code == 404 and errors(gone) == [(87, "Id(s) not exists: 1")]


def test_what_the_fake_does_not_model_says_so(admin):
    assert admin.post("orders", content="<prestashop/>").status_code == 501
    assert admin.get("products", params={"output_format": "JSON"}).status_code == 501
    assert admin.put("currencies", content="<prestashop/>").status_code == 501


# ---- contents the client must read safely ----


def test_xml_special_characters_come_back_raw_in_cdata(api, shop):
    shop.update_row("customers", 1, {"company": 'Ferme "La Prairie" & <Cie>'})
    company = xml(api.get("customers/1")).find("customer/company").text
    assert company == 'Ferme "La Prairie" & <Cie>'


def test_a_cdata_end_inside_a_value_breaks_the_xml_as_prestashop_does(api, shop):
    shop.update_row("orders", 1, {"gift_message": "Merci ]]> à bientôt"})
    with pytest.raises(ET.ParseError):
        xml(api.get("orders/1"))


# ---- faults ----


def test_injected_faults(server, api):
    server.faults.fail(2, status=502)
    assert [api.get("languages").status_code for _ in range(3)] == [502, 502, 200]
    server.faults.drop(1)
    with pytest.raises(httpx.TransportError):
        api.get("languages")
    server.faults.delay(1, seconds=0.5)
    with pytest.raises(httpx.ReadTimeout):
        api.get("languages", timeout=0.1)
    server.faults.truncate(1, path="/api/products")
    assert api.get("languages").status_code == 200
    with pytest.raises(httpx.TransportError):
        api.get("products")
    assert [entry.fault for entry in server.log[-2:]] == [None, "truncate"]


def test_the_seeds_are_consistent():
    shop = Shop()
    products = seed.catalogue(shop, 20)
    buyers = seed.clientele(shop, 5)
    orders = seed.order_book(shop, 10, products, buyers)
    for order_id in orders:
        order = shop.row("orders", order_id)
        rows = shop.order_details_of(order_id)
        assert rows
        total = sum(Decimal(r["unit_price_tax_incl"]) * int(r["product_quantity"]) for r in rows)
        assert Decimal(order["total_products_wt"]) == total
        assert Decimal(order["total_paid_tax_incl"]) == total + Decimal(
            order["total_shipping_tax_incl"]
        )
    assert len({shop.row("customers", c)["email"] for c, _ in buyers}) == 5
