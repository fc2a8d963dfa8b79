"""What ODK Collect sends and ODK Central exports for an XForm, for the import tests.

Ported from getodk/central-backend so the tests meet the real shape, not a guess of it:
- `form_fields`: the field list Central derives from a form (lib/data/schema.js,
  getFormFields): the primary instance walked depth-first, a field's type from its <bind
  type>, a <repeat nodeset> in the body makes a repeat, any other node with children a
  structure (group).
- `central_zip`: the "CSV zip" download (lib/data/briefcase.js, streamBriefcaseCsvs): the
  form's table '<formId>.csv' and one '<formId>-<repeat>.csv' per repeat. Columns are the
  field path inside its table joined by '-' (only the name with "remove group names"),
  geopoints split in -Latitude/-Longitude/-Altitude/-Accuracy; the form's table starts with
  SubmissionDate and ends with KEY and Central's metadata, a repeat's rows end with
  PARENT_KEY and KEY ('uuid:…/members[2]').
- `submission_xml`: the instance Collect submits: the form's primary instance with the
  answers filled in, one copy of the repeat's template per entry.
"""

import copy
import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

from defusedxml.ElementTree import fromstring

XF = "{http://www.w3.org/2002/xforms}"
XHTML = "{http://www.w3.org/1999/xhtml}"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"
ROOT_METADATA = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def form_id(xform: str) -> str:
    return _primary_instance(fromstring(xform)).get("id")


def _primary_instance(html: ET.Element) -> ET.Element:
    model = html.find(f"{XHTML}head/{XF}model")
    return next(iter(model.find(f"{XF}instance")))


def form_fields(xform: str) -> list[dict]:
    """[{'name', 'path', 'type'}] in depth-first order; paths without the root:
    '/block_I/location', types 'structure', 'repeat' or the bind type ('geopoint', 'int')."""
    html = fromstring(xform)
    instance = _primary_instance(html)
    envelope = f"/{_local(instance.tag)}"
    binds = {
        b.get("nodeset"): b.get("type")
        for b in html.find(f"{XHTML}head/{XF}model").iter(f"{XF}bind")
        if b.get("type")
    }
    repeats = {r.get("nodeset") for r in html.find(f"{XHTML}body").iter(f"{XF}repeat")}
    fields: list[dict] = []

    def walk(node: ET.Element, base: str) -> None:
        seen = set()
        for child in node:
            path = f"{base}/{_local(child.tag)}"
            if envelope + path in repeats:
                if path in seen:  # the template and the first entry: one repeat
                    continue
                seen.add(path)
                kind = "repeat"
            elif envelope + path in binds:
                kind = binds[envelope + path]
            else:
                kind = "structure" if len(child) else "unknown"
            fields.append({"name": _local(child.tag), "path": path, "type": kind})
            if kind in ("repeat", "structure"):
                walk(child, path)

    walk(instance, "")
    return fields


def submission_xml(
    xform: str, values: dict[str, str], entries: dict[str, list[dict[str, str]]]
) -> bytes:
    """The instance Collect submits. `values`: answers by path ('/block_I/result');
    `entries`: per repeat path ('/members'), each entry's answers by its path in the entry
    ('/nik'). Unanswered and non-relevant questions are sent empty, as Collect does."""
    instance = copy.deepcopy(_primary_instance(fromstring(xform)))

    def fill(node: ET.Element, base: str, answers: dict[str, str]) -> None:
        children, placed = [], set()
        for child in node:
            path = f"{base}/{_local(child.tag)}"
            if path in entries:
                if path not in placed:  # the template and the empty first entry go
                    placed.add(path)
                    for entry_answers in entries[path]:
                        entry = copy.deepcopy(child)
                        entry.attrib.pop(JR_TEMPLATE, None)
                        fill(entry, "", entry_answers)
                        children.append(entry)
                continue
            if len(child):
                fill(child, path, answers)
            else:
                child.text = answers.get(path, "")
            children.append(child)
        node[:] = children

    fill(instance, "", values)
    for node in instance.iter():  # Collect sends the instance without the XForms namespace
        node.tag = _local(node.tag)
    return ET.tostring(instance, encoding="utf-8")


@dataclass
class Submission:
    """A submission as Central holds it: the XML and the metadata its export adds."""

    xml: bytes
    instance_id: str  # Central's key: the instanceID of the first version
    created_at: str = "2026-01-05T03:12:45.678Z"
    submitter_id: int = 5
    submitter_name: str = "Enumerator Bogor"
    attachments: tuple[int, int] = (0, 0)  # present, expected
    review_state: str = ""
    device_id: str = "collect:Xb3kLm9QpR2sT4uV"
    edits: int = 0
    form_version: str = "1"


@dataclass
class _Table:
    path: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


def central_zip(
    xform: str,
    submissions: list[Submission],
    group_paths: bool = True,
    media: dict[str, bytes] | None = None,
) -> bytes:
    """Central's CSV zip of `submissions` (with `media` under media/ when the download
    includes it)."""
    fields = form_fields(xform)
    root, tables, columns = _tables(fields, group_paths)
    by_path = {f["path"]: f for f in fields}
    for s in submissions:
        row: list = [None] * len(root.header)
        _walk(fromstring(s.xml), "", row, by_path, columns, tables, [s.instance_id], [])
        present, expected = s.attachments
        meta = [
            s.instance_id,
            s.submitter_id,
            s.submitter_name,
            present,
            expected,
            None,
            s.review_state or None,
            s.device_id,
            s.edits,
            s.form_version,
        ]
        row[0] = s.created_at
        row[len(root.header) - len(ROOT_METADATA) :] = meta
        root.rows.append(row)
    name = form_id(xform)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.csv", _csv(root))
        for table in tables.values():
            archive.writestr(f"{name}-{table.path.rsplit('/', 1)[-1]}.csv", _csv(table))
        for file_name, data in (media or {}).items():
            archive.writestr(f"media/{file_name}", data)
    return out.getvalue()


def _tables(fields: list[dict], group_paths: bool) -> tuple[_Table, dict[str, _Table], dict]:
    """The root table, the repeat tables by path, and each atomic field's column in its table."""
    root = _Table("", ["SubmissionDate"])
    tables: dict[str, _Table] = {}
    columns: dict[str, int] = {}
    stack = [root]
    for i, f in enumerate(fields):
        if f["type"] == "repeat":
            tables[f["path"]] = _Table(f["path"], [])
            stack.append(tables[f["path"]])
        elif f["type"] != "structure":
            table = stack[-1]
            columns[f["path"]] = len(table.header)
            base = f["path"][len(table.path) + 1 :].replace("/", "-")
            base = base if group_paths else f["name"]
            if f["type"] == "geopoint":
                table.header += [
                    f"{base}-{p}" for p in ("Latitude", "Longitude", "Altitude", "Accuracy")
                ]
            else:
                table.header.append(base)
        following = fields[i + 1]["path"] if i + 1 < len(fields) else None
        while len(stack) > 1 and (
            following is None or not following.startswith(stack[-1].path + "/")
        ):
            stack.pop().header += ["PARENT_KEY", "KEY"]
    root.header += ROOT_METADATA
    return root, tables, columns


def _walk(node, base, row, by_path, columns, tables, key, repeat_keys) -> None:
    """Central's row writer: `key` is the briefcase path so far ('uuid:…', 'grp',
    'members[1]'), `repeat_keys` the keys of the repeat entries we are inside."""
    counts: dict[str, int] = {}
    for child in node:
        path = f"{base}/{_local(child.tag)}"
        f = by_path.get(path)
        if f is None:
            continue
        if f["type"] == "repeat":
            counts[path] = counts.get(path, 0) + 1
            table = tables[path]
            entry_key = [*key, f"{f['name']}[{counts[path]}]"]
            subrow: list = [None] * len(table.header)
            subrow[-2] = repeat_keys[-1] if repeat_keys else key[0]
            subrow[-1] = "/".join(entry_key)
            _walk(
                child, path, subrow, by_path, columns, tables, entry_key, [*repeat_keys, subrow[-1]]
            )
            table.rows.append(subrow)
        elif f["type"] == "structure":
            _walk(child, path, row, by_path, columns, tables, [*key, f["name"]], repeat_keys)
        elif child.text:
            idx = columns[path]
            if f["type"] == "geopoint":
                row[idx : idx + 4] = (child.text.split() + [None] * 4)[:4]
            else:
                row[idx] = child.text


def _csv(table: _Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # csv-stringify: ',' and '\n'
    writer.writerow(table.header)
    writer.writerows([["" if v is None else v for v in r] for r in table.rows])
    return out.getvalue().encode()
