"""An in-memory PrestaShop 8.2.0 answering its webservice as WebserviceRequest does.

`Shop.handle()` takes one HTTP request and returns the status, headers and body the real shop
would; `server.py` puts it behind a socket. SOURCES.md maps each behaviour to PrestaShop's code.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, unquote
from zoneinfo import ZoneInfo

from tests.prestashop import php, render
from tests.prestashop.resources import ALL_RESOURCES, SERVED, SPECIFIC_MANAGEMENT, Field, Resource

PS_VERSION = "8.2.0"
METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")
REALM = (
    'Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the'
    ' login. No password required."'
)
DEFAULT_LANG = 1


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


@dataclass
class Key:
    key: str
    permissions: dict[str, set[str]]
    active: bool = True


def all_methods(*resources: str) -> dict[str, set[str]]:
    return {r: set(METHODS) for r in resources}


def _php_query(query: str) -> dict:
    """$_GET as PHP builds it: `filter[date_upd]=…` becomes a nested array."""
    params: dict = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        match = re.match(r"^([^\[]+)((?:\[[^\]]*\])*)$", raw_key)
        if not match:
            params[raw_key] = value
            continue
        base = match.group(1).replace(".", "_").replace(" ", "_")
        subs = re.findall(r"\[([^\]]*)\]", match.group(2))
        if not subs:
            params[base] = value
            continue
        target = params.setdefault(base, {})
        if not isinstance(target, dict):
            target = params[base] = {}
        for sub in subs[:-1]:
            target = target.setdefault(sub, {})
            if not isinstance(target, dict):
                break
        else:
            target[subs[-1] or str(len(target))] = value
    return params


class _Abort(Exception):
    pass


class Shop:
    """The shop's data and its webservice. Thread-safe: one request at a time."""

    def __init__(self, name: str = "Ferme des Trois Chênes", timezone: str = "Europe/Paris"):
        self.name = name
        self.tz = ZoneInfo(timezone)
        self.lock = threading.RLock()
        self.webservice_enabled = True
        self.keys: dict[str, Key] = {}
        self.tables: dict[str, dict[int, dict]] = {r: {} for r in SERVED}
        self.next_id: dict[str, int] = {r: 1 for r in SERVED}
        self.links: dict[tuple[str, int, str], list[dict]] = {}  # associations kept by setters
        self.categories: dict[int, list[int]] = {}  # category_product, in position order
        self._category_of: dict[int, list[int]] = {}
        self._positions: dict[int, dict[int, str]] = {}
        self._indexes: dict[tuple[str, str], dict[str, set[int]]] = {
            ("stock_availables", "id_product"): {},
            ("order_details", "id_order"): {},
            ("customers", "email"): {},
        }
        self.unstable_ties = False  # True: rows equal on every sort key come back in any order
        self._frozen: datetime | None = None
        self._offset = timedelta()
        from tests.prestashop import seed

        seed.base(self)

    # ---- time: the shop writes local times, to the second ----

    def now(self) -> str:
        moment = self._frozen or (datetime.now(self.tz).replace(tzinfo=None) + self._offset)
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def freeze(self, moment: str) -> None:
        self._frozen = datetime.strptime(moment, "%Y-%m-%d %H:%M:%S")

    def advance(self, seconds: float) -> None:
        if self._frozen is not None:
            self._frozen += timedelta(seconds=seconds)
        else:
            self._offset += timedelta(seconds=seconds)

    # ---- keys ----

    def add_key(self, key: str, permissions: dict[str, set[str]], active: bool = True) -> Key:
        self.keys[key] = Key(key, {r: set(m) for r, m in permissions.items()}, active)
        return self.keys[key]

    # ---- rows ----

    def insert(self, resource: str, values: dict) -> int:
        """A row written by the back office or a seed: values as given, the rest as the
        column's default."""
        with self.lock:
            spec = SERVED[resource]
            new_id = int(values.get("id") or self.next_id[resource])
            self.next_id[resource] = max(self.next_id[resource], new_id + 1)
            row = {"id": str(new_id)}
            for f in spec.stored:
                if f.name in values:
                    row[f.name] = self._db_value(f, values[f.name])
                else:
                    row[f.name] = self._db_default(f)
            row.update({k: v for k, v in values.items() if k.startswith("_")})
            if resource == "products":
                row["quantity"] = "0"  # ps_product.quantity, deprecated and never updated
            self.write(resource, new_id, row)
            return new_id

    def write(self, resource: str, row_id: int, row: dict | None) -> None:
        """Every change of a row goes through here, so the indexes follow."""
        old = self.tables[resource].get(row_id)
        for (table, column), index in self._indexes.items():
            if table != resource:
                continue
            if old is not None:
                index.get(old.get(column), set()).discard(row_id)
            if row is not None:
                index.setdefault(row.get(column), set()).add(row_id)
        if row is None:
            self.tables[resource].pop(row_id, None)
        else:
            self.tables[resource][row_id] = row

    def rows_where(self, resource: str, column: str, value: str) -> list[dict]:
        ids = sorted(self._indexes[(resource, column)].get(value, ()))
        return [self.tables[resource][i] for i in ids]

    def order_details_of(self, order_id: int) -> list[dict]:
        return self.rows_where("order_details", "id_order", str(order_id))

    def row(self, resource: str, row_id: int) -> dict | None:
        return self.tables[resource].get(int(row_id))

    def update_row(self, resource: str, row_id: int, values: dict, touch: bool = True) -> None:
        """A change made in the back office: columns rewritten and date_upd moved on."""
        with self.lock:
            spec = SERVED[resource]
            row = dict(self.tables[resource][int(row_id)])
            for name, value in values.items():
                row[name] = self._db_value(spec.by_name[name], value)
            if touch and spec.has_dates:
                row["date_upd"] = self.now()
            self.write(resource, int(row_id), row)

    def set_order_state(self, order_id: int, state_id: int) -> None:
        """OrderHistory::changeIdOrderState: the order's state, validity and date_upd."""
        state = self.row("order_states", state_id)
        self.update_row("orders", order_id, {"current_state": state_id, "valid": state["logable"]})

    def stock_quantity(self, product_id: int) -> int:
        """What the shop sells: StockAvailable::getQuantityAvailableByProduct for shop 1."""
        return sum(
            int(r["quantity"])
            for r in self.rows_where("stock_availables", "id_product", str(product_id))
            if r["id_product_attribute"] == "0" and r["id_shop"] == "1"
        )

    def set_categories(self, product_id: int, category_ids: list[int]) -> None:
        """Product::setWsCategories: a product keeps its place in a category it stays in,
        and goes last in a new one."""
        self._category_of.pop(product_id, None)
        self._positions.clear()
        for category, members in self.categories.items():
            if product_id in members and category not in category_ids:
                members.remove(product_id)
        for category in category_ids:
            members = self.categories.setdefault(category, [])
            if product_id not in members:
                members.append(product_id)
        self._category_of[product_id] = list(category_ids)

    def categories_of(self, product_id: int) -> list[int]:
        return self._category_of.get(product_id, [])

    def category_positions(self, category_id: int) -> dict[int, str]:
        if category_id not in self._positions:
            members = self.categories.get(category_id, [])
            self._positions[category_id] = {p: str(i + 1) for i, p in enumerate(members)}
        return self._positions[category_id]

    def language_ids(self) -> list[int]:
        return sorted(int(i) for i, r in self.tables["languages"].items())

    def _db_default(self, f: Field):
        if f.i18n:
            return {lang: "" for lang in self.language_ids()}
        if f.allow_null:
            return None
        if f.kind in ("int", "bool"):
            return "0"
        if f.kind == "float":
            return php.decimal_column(0, f.col[1])
        if f.col == "datetime":
            return "0000-00-00 00:00:00"
        if f.col == "date":
            return "0000-00-00"
        return ""

    def _db_value(self, f: Field, value):
        """ObjectModel::formatValue, then what MySQL (sql_mode '') keeps of it."""
        if f.i18n:
            if isinstance(value, dict):
                return {lang: php.to_str(value.get(lang, "")) for lang in self.language_ids()}
            return {lang: php.to_str(value) for lang in self.language_ids()}
        if f.allow_null and value is None:
            return None
        if f.kind in ("int", "bool"):
            return str(php.intval(value))
        if f.kind == "float":
            return php.decimal_column(value, f.col[1])
        if f.col in ("date", "datetime"):
            moment = php.mysql_datetime(value) if not php.empty(value) else None
            moment = moment or "0000-00-00 00:00:00"
            return moment[:10] if f.col == "date" else moment
        text = php.to_str(value)
        if isinstance(f.col, tuple) and f.col[0] == "str":
            text = text[: f.col[1]]
        return text

    # ---- the webservice ----

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, host: str
    ) -> Response:
        path, _, query = target.partition("?")
        path = unquote(path)
        if path != "/api" and not path.startswith("/api/"):
            return Response(404, [("Content-Type", "text/html")], b"Not Found")
        url = path[5:]
        params = _php_query(query)
        params.pop("url", None)
        key = None
        auth = headers.get("authorization", "")
        match = re.match(r"^Basic\s+(.*)$", auth, re.IGNORECASE)
        if match:
            try:
                decoded = base64.b64decode(match.group(1)).decode("utf-8", "replace")
            except ValueError:
                decoded = ""
            key = re.sub(r"<[^>]*>", "", decoded.split(":", 1)[0])
        elif "ws_key" in params:
            key = str(params["ws_key"])
        if key is None:
            # dispatcher.php dies before WebserviceRequest is built.
            return Response(
                401,
                [("WWW-Authenticate", REALM), ("Content-Type", "text/html; charset=UTF-8")],
                b"401 Unauthorized",
            )
        method = str(params.get("ps_method") or method).upper()
        text = body.decode("utf-8", "replace") if body else None
        if text is not None and text.startswith("xml="):
            text = text[4:]
        wants_json = (params.get("output_format") or params.get("io_format") or "").upper()
        if wants_json == "JSON" or headers.get("output-format", "").upper() == "JSON":
            return _fake_error("The fake PrestaShop answers XML only (output_format=JSON).")
        with self.lock:
            request = _Request(self, key, method, url, params, text, f"http://{host}/api/")
            return request.run()


def _fake_error(message: str) -> Response:
    """An answer no real PrestaShop gives: what the fake does not model (SOURCES.md)."""
    return Response(501, [("Content-Type", "text/plain; charset=utf-8")], message.encode())


class _Request:
    """WebserviceRequest::fetch() for one request."""

    def __init__(self, shop: Shop, key, method, url, params, body, ws_url):
        self.shop, self.key, self.method, self.params, self.body = shop, key, method, params, body
        self.segments = url.split("/")
        self.ws_url = ws_url
        self.errors: list[tuple[int, str]] = []
        self.status = 200
        self.authenticated = False
        self.www_authenticate = False
        self.permissions: dict[str, set[str]] = {}
        self.content: str | None = None
        self.output_enabled = True
        self.languages: list[int] = []
        self.started = time.monotonic()

    # ---- errors ----

    def error(self, status: int, message: str, code: int) -> None:
        self.status = status
        self.errors.append((code, message))

    def did_you_mean(self, status, message, value, values, code) -> None:
        full = ' The full list is: "' + '", "'.join(values) + '"' if len(values) > 1 else ""
        self.error(status, f'{message}. Did you mean: "{php.closest(value, values)}"?{full}', code)

    # ---- the request ----

    def run(self) -> Response:
        try:
            if self.checks():
                self.languages = self.requested_languages()
                if not self.languages and not self.errors:
                    self.error(400, "language is not available", 81)
                if not self.errors and self.check_resource() and self.check_method():
                    fake = self.dispatch()
                    if fake is not None:
                        return fake
        except _Abort:
            pass
        return self.output()

    def checks(self) -> bool:
        if not self.shop.webservice_enabled:
            self.error(
                503,
                "The PrestaShop webservice is disabled. Please activate it in the PrestaShop Back Office",
                22,
            )
            return False
        key = self.key.strip()
        if not key:
            self.error(401, "Authentication key is empty", 17)
        elif len(key) != 32:
            self.error(401, "Invalid authentication key format", 18)
        else:
            account = self.shop.keys.get(key)
            if account and account.active:
                self.permissions = account.permissions
            else:
                self.error(401, "Authentification key is not active", 20)
            if not self.permissions:
                self.error(401, "No permission for this authentication key", 21)
        if self.errors:
            self.www_authenticate = True
            self.status = 401
            return False
        self.authenticated = True
        shop_id = self.params.get("id_shop")
        if shop_id is not None and shop_id != "all" and not (php.is_numeric(shop_id)):
            self.error(404, "This shop id does not exist", 999)
            return False
        return True

    def requested_languages(self) -> list[int]:
        known = self.shop.language_ids()
        asked = self.params.get("language")
        if asked is None:
            return known
        asked = str(asked)
        if php.is_numeric(asked):
            wanted = [php.intval(asked)]
        elif asked.startswith("[") and asked.endswith("]"):
            inner = asked[1:-1]
            if ("|" in inner) != ("," in inner):
                if "|" in inner:
                    wanted = inner.split("|")
                else:
                    bounds = inner.split(",")
                    if len(bounds) != 2:
                        self.error(
                            400, "A range value for a language must contains only 2 values", 78
                        )
                        return []
                    wanted = list(range(php.intval(bounds[0]), php.intval(bounds[1]) + 1))
            else:
                match = re.search(r"\[(\d)+\]", asked)
                wanted = [match.group(1)] if match else []
        else:
            self.error(400, "language value is wrong", 79)
            return []
        if any(not php.is_numeric(w) for w in wanted[1:]):
            self.error(400, "Language ID must be numeric", 80)
            return []
        return [php.intval(w) for w in wanted if php.intval(w) in known]

    def check_resource(self) -> bool:
        name = self.segments[0]
        if name == "":
            return True
        if name in ALL_RESOURCES:
            if name not in self.permissions:
                self.error(
                    401,
                    f'Resource of type "{name}" is not allowed with this authentication key',
                    26,
                )
                return False
            return True
        self.did_you_mean(
            400, f'Resource of type "{name}" does not exists', name, list(ALL_RESOURCES), 27
        )
        return False

    def check_method(self) -> bool:
        name = self.segments[0]
        if self.method not in METHODS:
            self.error(405, f"Method {self.method} is not valid", 23)
        elif name and self.method in ALL_RESOURCES.get(name, ("", ()))[1]:
            self.error(405, f"Method {self.method} is not allowed for the resource {name}", 101)
        elif name and self.method not in self.permissions.get(name, set()):
            self.error(
                405,
                f"Method {self.method} is not allowed for the resource {name} with this authentication key",
                25,
            )
        else:
            return True
        return False

    def dispatch(self) -> Response | None:
        name = self.segments[0]
        if name == "":
            if self.method not in ("GET", "HEAD"):
                return _fake_error("The fake PrestaShop writes nothing at /api/.")
            self.content = render.wrap(
                render.resources_list(self.ws_url, self.shop.name, self.permissions)
            )
            return None
        if name in SPECIFIC_MANAGEMENT or name not in SERVED:
            return _fake_error(f'The fake PrestaShop does not serve "{name}".')
        self.resource = SERVED[name]
        if self.method in ("GET", "HEAD"):
            if len(self.segments) > 1 and self.segments[1] != "":
                self.get_one()
            else:
                self.get_list()
        elif self.method in ("POST", "PUT", "PATCH"):
            if not self.resource.writable or (name == "orders" and self.method == "POST"):
                return _fake_error(f'The fake PrestaShop does not {self.method} "{name}".')
            from tests.prestashop.save import save

            save(self)
        elif self.method == "DELETE":
            self.delete()
        return None

    # ---- GET ----

    def view(self, display) -> render.View:
        return render.View(
            self.ws_url,
            self.languages,
            None,
            display,
            getter=self.shop_getter,
            association=self.shop_association,
        )

    def shop_getter(self, resource: Resource, obj: dict, name: str):
        from tests.prestashop.save import GETTERS

        return GETTERS[(resource.name, name)](self.shop, obj)

    def shop_association(self, resource: Resource, obj: dict, assoc) -> list[dict]:
        from tests.prestashop.save import association_items

        return association_items(self.shop, resource, obj, assoc)

    def fields_to_display(self, default):
        display = self.params.get("display")
        if display is None:
            return default
        if display in ("full", "minimum"):
            return display
        match = re.match(r"^\[(.*)\]$", str(display), re.IGNORECASE)
        fields = self.resource.by_name
        available = ", ".join(fields)
        if not match:
            self.error(
                400,
                "The 'display' syntax is wrong. You can set 'full' or '[field_1,field_2,field_3,...]'."
                f" These are available: {available}",
                36,
            )
            raise _Abort
        wanted = _parse_display(match.group(1))
        associations = {a.name: a for a in self.resource.associations}
        for name, part in wanted.items():
            if part is None:
                bad = name not in fields
            else:
                assoc = associations.get(name)
                names = [n for n, _ in assoc.fields] if assoc else []
                bad = assoc is None or any(p != "id" and p not in names for p in part)
            if bad:
                details = f" (details : {php.var_export_list(part)})" if part is not None else ""
                self.error(
                    400,
                    f'Unable to display this field "{name}{details}". However, these are available: {available}',
                    35,
                )
                raise _Abort
        return wanted

    def get_one(self) -> None:
        display = self.fields_to_display("full")
        row = self.shop.row(self.resource.name, php.intval(self.segments[1]))
        if row is None:
            self.status = 404
            self.output_enabled = False
            return
        self.content = render.wrap(render.entity(self.view(display), self.resource, row))

    def get_list(self) -> None:
        from tests.prestashop.listing import select

        selected = select(self)
        if selected is None:
            return
        schema_kind, rows, display = selected
        if schema_kind:
            view = self.view("full")
            view.schema = schema_kind
            self.content = render.wrap(render.schema(view, self.resource))
            return
        view = self.view(display)
        if display == "minimum":
            inner = [render.minimum(view, self.resource, r["id"]) for r in rows]
        else:
            inner = [render.entity(view, self.resource, r) for r in rows]
        self.content = render.wrap(render.listing(self.resource, inner))

    # ---- DELETE ----

    def delete(self) -> None:
        ids_param = self.params.get("id")
        if ids_param is not None:
            match = re.match(r"^\[(.*)\]$", str(ids_param), re.IGNORECASE)
            ids = match.group(1).split(",") if match else []
        else:
            ids = [php.intval(self.segments[1] if len(self.segments) > 1 else None)]
        table = self.shop.tables[self.resource.name]
        missing = [str(i) for i in ids if php.intval(i) not in table]
        if missing or not ids:
            self.error(404, "Id(s) not exists: " + ", ".join(missing), 87)
            return
        from tests.prestashop.save import delete_row

        for i in ids:
            delete_row(self.shop, self.resource, php.intval(i))
        self.output_enabled = False

    # ---- WebserviceRequest::returnOutput ----

    def output(self) -> Response:
        headers = [
            ("Access-Time", str(int(time.time()))),
            ("X-Powered-By", "PrestaShop Webservice"),
            ("PSWS-Version", PS_VERSION if self.authenticated else "0"),
        ]
        content = self.content if self.output_enabled else None
        sha1 = None
        if content is not None and not self.errors:
            sha1 = hashlib.sha1(content.encode()).hexdigest()
        if self.errors:
            content = render.errors(self.errors)
        if content:
            headers.append(("Content-Type", "text/xml;charset=utf-8"))
        headers.append(("Execution-Time", f"{time.monotonic() - self.started:.3f}"))
        if sha1:
            headers.append(("Content-Sha1", sha1))
        if self.www_authenticate:
            headers.append(("WWW-Authenticate", REALM))
        body = content.encode() if content else b""
        return Response(self.status, headers, b"" if self.method == "HEAD" else body)


def _parse_display(text: str) -> dict:
    """WebserviceRequest::parseDisplayFields."""
    parts, level, current = [], 0, ""
    for char in text:
        if char == "," and level == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        if char == "[":
            level += 1
        if char == "]":
            level -= 1
    if current != "":
        parts.append(current)
    fields: dict = {}
    for part in parts:
        bracket = part.find("[")
        name = (part if bracket < 0 else part[:bracket]).strip()
        fields.setdefault(name, None)
        if bracket >= 0:
            subs = part[bracket + 1 : len(part) - 1].split(",")
            fields[name] = (fields[name] or []) + subs
    return fields


def new_secure_key() -> str:
    return uuid.uuid4().hex


def password_hash(plain: str) -> str:
    """A 60-character bcrypt-shaped hash (Validate::isHashedPassword checks the length)."""
    digest = base64.b64encode(hashlib.sha256(plain.encode()).digest()).decode()
    return "$2y$10$" + (digest.replace("+", ".").replace("=", "") * 2)[:53]


def decimal(value) -> Decimal:
    return Decimal(str(value))
