"""The XML the webservice writes, byte for byte as WebserviceOutputBuilder and WebserviceOutputXML
build it in 8.2.0: values raw inside CDATA (never escaped), attributes unescaped, one tab before
fields, language nodes run together, self-closed empty associations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.prestashop import php
from tests.prestashop.resources import Assoc, Field, Resource

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n'
FOOT = "</prestashop>\n"


def wrap(content: str) -> str:
    return HEAD + content + FOOT


def errors(items: list[tuple[int, str]]) -> str:
    body = "".join(
        f"<error>\n<code><![CDATA[{code}]]></code>\n<message><![CDATA[{message}]]></message>\n</error>\n"
        for code, message in items
    )
    return wrap(f"<errors>\n{body}</errors>\n")


@dataclass
class View:
    ws_url: str  # http://host/api/
    languages: list[int]
    schema: str | None = None  # None, 'blank' or 'synopsis'
    display: object = "full"  # 'full', 'minimum' or {field: None | [sub fields]}
    getter: Callable[[Resource, dict, str], object] = lambda r, o, n: None
    association: Callable[[Resource, dict, Assoc], list[dict]] = lambda r, o, a: []
    parts: list[str] = field(default_factory=list)


def _synopsis(spec: Field | dict, required: bool) -> list[tuple[str, str]]:
    details = []
    if required:
        details.append(("required", "true"))
    size = spec.size if isinstance(spec, Field) else None
    if size:
        details.append(("maxSize", str(size)))
    validate = spec.validate if isinstance(spec, Field) else None
    if validate:
        details.append(("format", validate))
    if isinstance(spec, Field) and spec.setter is False:
        details.append(("readOnly", "true"))
    return details


def field_xml(
    view: View,
    sql_id: str,
    value,
    *,
    i18n=False,
    xlink=None,
    getter=False,
    read_only=False,
    synopsis=None,
    object_id=None,
) -> str:
    """WebserviceOutputXML::renderField."""
    out = [f"<{sql_id}"]
    content = []
    if i18n:
        for lang in view.languages:
            more = ""
            if synopsis is not None or isinstance(value, dict):
                more = f' xlink:href="{view.ws_url}languages/{lang}"'
                if synopsis is not None and view.schema != "blank":
                    more += ' format="isUnsignedId" '
            text = value.get(lang, "") if isinstance(value, dict) else ""
            content.append(f'<language id="{lang}"{more}><![CDATA[{php.to_str(text)}]]></language>')
    else:
        if xlink is not None and view.schema != "blank":
            text = php.to_str(value)
            if isinstance(xlink, str):
                out.append(f' xlink:href="{view.ws_url}{xlink}/{text}"')
            else:
                sub = f"{xlink[1]}/{php.to_str(object_id)}/" if xlink[1] else ""
                out.append(f' xlink:href="{view.ws_url}{xlink[0]}/{sub}{text}"')
        if getter and view.schema != "blank":
            out.append(' notFilterable="true"')
        if read_only and view.schema == "synopsis":
            out.append(' read_only="true"')
        content.append(f"<![CDATA[{php.to_str(value)}]]>")
    if synopsis and view.schema != "blank":
        out.extend(f' {name}="{detail}"' for name, detail in synopsis)
    return "".join(out) + ">" + "".join(content) + f"</{sql_id}>\n"


def _field(view: View, resource: Resource, obj: dict | None, spec: Field) -> str:
    """WebserviceOutputBuilder::renderField."""
    if spec.hidden:
        return ""
    show = True
    synopsis = None
    if view.schema == "synopsis":
        synopsis = _synopsis(spec, spec.required)
        show = spec.name != "id"
    if view.schema == "blank" and spec.setter is False:
        show = False
    xlink = spec.xlink
    if synopsis is not None or view.schema == "blank":
        value, xlink = "", None
    elif isinstance(spec.getter, str):
        value = view.getter(resource, obj, spec.name)
    else:
        value = obj.get(spec.name)
    if spec.name.startswith("id_") and php.empty(value):
        if value is None:
            value = ""
        if view.schema is None:
            xlink = None
    if not show:
        return ""
    return "\t" + field_xml(
        view,
        spec.name,
        value,
        i18n=spec.i18n,
        xlink=xlink,
        getter=spec.getter is not None,
        read_only=spec.setter is False,
        synopsis=synopsis,
        object_id=obj.get("id") if obj else None,
    )


def _association(view: View, resource: Resource, obj: dict | None, assoc: Assoc) -> str:
    """WebserviceOutputBuilder::renderAssociations for one association (depth 0)."""
    items = view.association(resource, obj, assoc) if view.schema is None else [None]
    fields = assoc.fields or (("id", {}),)
    wanted = view.display.get(assoc.name) if isinstance(view.display, dict) else None
    details = []
    for item in items:
        header = f"<{assoc.node}"
        if view.schema is None and _is_resource(assoc.name):
            header += f' xlink:href="{view.ws_url}{assoc.name}/{php.to_str(item.get("id"))}"'
        details.append(f"\t{header}>\n")
        for name, opts in fields:
            if wanted is not None and name not in wanted:
                continue
            synopsis = _synopsis(opts, opts.get("required", False)) if view.schema else None
            value = item.get(name) if item else None
            xml = field_xml(view, name, value, xlink=opts.get("xlink"), synopsis=synopsis)
            details.append("\t" + xml)
        details.append(f"\t</{assoc.node}>\n")
    more = ""
    if view.schema != "blank":
        more = f' nodeType="{assoc.node}"'
        more += (
            ' virtualEntity="true"' if assoc.virtual_entity else f' api="{assoc.api or assoc.name}"'
        )
    if details:
        return f"<{assoc.name}{more}>\n" + "".join(details) + f"</{assoc.name}>\n"
    return f"<{assoc.name}{more}/>\n"


def _is_resource(name: str) -> bool:
    from tests.prestashop.resources import ALL_RESOURCES

    return name in ALL_RESOURCES


def _associations(view: View, resource: Resource, obj: dict | None) -> str:
    parts = ["<associations>\n"]
    for assoc in resource.associations:
        if view.display == "full" or (
            isinstance(view.display, dict) and assoc.name in view.display
        ):
            parts.append(_association(view, resource, obj, assoc))
    parts.append("</associations>\n")
    return "".join(parts)


def entity(view: View, resource: Resource, obj: dict) -> str:
    """WebserviceOutputBuilder::renderEntity."""
    parts = [f"<{resource.node}>\n"]
    if obj.get("id"):
        for spec in resource.fields:
            if view.display == "full" or spec.name in view.display:
                parts.append(_field(view, resource, obj, spec))
    wants_associations = view.display == "full" or (
        isinstance(view.display, dict) and any(isinstance(v, list) for v in view.display.values())
    )
    if resource.associations and wants_associations:
        parts.append(_associations(view, resource, obj))
    parts.append(f"</{resource.node}>\n")
    return "".join(parts)


def minimum(view: View, resource: Resource, object_id: int) -> str:
    return f'<{resource.node} id="{object_id}" xlink:href="{view.ws_url}{resource.name}/{object_id}"/>\n'


def schema(view: View, resource: Resource) -> str:
    """WebserviceOutputBuilder::renderSchema (blank or synopsis)."""
    parts = [f"<{resource.node}>\n"]
    parts.extend(_field(view, resource, None, spec) for spec in resource.fields)
    if resource.associations:
        display, view.display = view.display, "full"
        parts.append(_associations(view, resource, None))
        view.display = display
    parts.append(f"</{resource.node}>\n")
    return "".join(parts)


def listing(resource: Resource, inner: list[str]) -> str:
    return f"<{resource.name}>\n" + "".join(inner) + f"</{resource.name}>\n"


def resources_list(ws_url: str, shop_name: str, permissions: dict[str, set[str]]) -> str:
    """WebserviceOutputBuilder::getResourcesList."""
    from tests.prestashop.resources import ALL_RESOURCES, SPECIFIC_MANAGEMENT

    parts = [f'<api shopName="{shop_name}">\n']
    for name, (description, _forbidden) in ALL_RESOURCES.items():
        if name not in permissions:
            continue
        methods = permissions[name]
        attrs = f' xlink:href="{ws_url}{name}"' + "".join(
            f' {m.lower()}="{"true" if m in methods else "false"}"'
            for m in ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")
        )
        parts.append(f"<{name}{attrs}>\n<description{attrs}>\n{description}</description>\n")
        if name not in SPECIFIC_MANAGEMENT:
            parts.append(f'<schema xlink:href="{ws_url}{name}?schema=blank" type="blank"/>\n')
            parts.append(f'<schema xlink:href="{ws_url}{name}?schema=synopsis" type="synopsis"/>\n')
        parts.append(f"</{name}>\n")
    parts.append("</api>\n")
    return "".join(parts)
