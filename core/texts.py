"""Language-neutral stored texts: a code and its parameters, rendered in the reader's language.

A timeline note, a ledger line or a stock movement's note is written once but read by people in
different languages (a German associate, an English shopper, the admin). So the row stores a
`code` and JSON `params` (`{"number": "CC-1"}`), and the page renders them with the reader's
active language. A text somebody typed (an associate's reason) has no code and is kept as the
literal it is; so are old rows whose text matched no code when they were migrated.

Each kind of text (order events, return events, points lines, store-credit lines, stock
movements) has one small `TextRegistry` in the app that owns the model:

    ORDER_EVENT_TEXTS = TextRegistry("order event")
    ORDER_EVENT_TEXTS.register(
        Text("not_collected", _lazy("Not collected within %(days)d opening days.")),
        Text("collected", _lazy("%(method)s: %(amount)s"), money=("amount",), labels={...}),
    )

and a service passes `note=ORDER_EVENT_TEXTS.make("not_collected", days=2)`: a `StoredText`,
which the writers (`core.events.status_event_record`, the ledgers) split into code and params.
Parameters are plain JSON: amounts as decimal strings (formatted with `format_money` when
shown), moments as ISO strings (formatted with the reader's DATETIME_FORMAT), and codes of
choices (a refund method) turned into words by a `labels` function.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise

from core.templatetags.money import format_money

Params = dict[str, Any]


@dataclass(frozen=True)
class StoredText:
    """A code and its parameters, handed to a writer instead of a sentence."""

    code: str
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class Text:
    code: str
    template: Promise | str  # gettext_lazy, with %(name)s / %(name)d placeholders
    money: tuple[str, ...] = ()  # parameters that are amounts in euro
    moments: tuple[str, ...] = ()  # parameters that are ISO date-times
    # parameter → function turning its stored code into words in the active language
    labels: Mapping[str, Callable[[str], str]] = field(default_factory=dict)

    def format(self, params: Params) -> str:
        values: dict[str, Any] = dict(params)
        for name in self.money:
            values[name] = format_money(params.get(name))
        for name in self.moments:
            values[name] = _moment(params.get(name))
        for name, label in self.labels.items():
            values[name] = label(str(params.get(name, "")))
        return str(self.template) % values


def _moment(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATETIME_FORMAT")


class TextRegistry:
    """The texts of one kind of row, by code."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.texts: dict[str, Text] = {}

    def register(self, *texts: Text) -> None:
        for text in texts:
            if text.code in self.texts:
                raise ValueError(f"{self.name} text {text.code!r} is registered twice")
            self.texts[text.code] = text

    def make(self, code: str, /, **params: Any) -> StoredText:
        """The value a service stores; refuses a code nobody can render."""
        if code not in self.texts:
            raise KeyError(f"Unknown {self.name} text {code!r}")
        return StoredText(code, {k: _jsonable(v) for k, v in params.items()})

    def render(self, code: str, params: Params | None, literal: str = "") -> str:
        """The text in the active language; the stored literal when there is no (known) code
        or the parameters do not fit the text."""
        text = self.texts.get(code or "")
        if text is None:
            return literal
        try:
            return text.format(params or {})
        except (KeyError, TypeError, ValueError):
            return literal

    def parse(self, literal: str, languages: tuple[str, ...] = ("de", "en")) -> StoredText | None:
        """The code and parameters of a text written in one of `languages` by an older version
        (for data migrations); None when no registered text matches the whole of it."""
        literal = (literal or "").strip()
        if not literal:
            return None
        for language in languages:
            with translation.override(language):
                for text in self.texts.values():
                    params = _match(text, literal)
                    if params is not None:
                        return StoredText(text.code, params)
        return None


def text_fields(model: type[Model], text: "str | StoredText", field: str = "note") -> dict:
    """The column values of a text: `<field>_code` and `<field>_params` for a StoredText, else
    the literal in `<field>`, clipped to its column."""
    if isinstance(text, StoredText):
        return {f"{field}_code": text.code, f"{field}_params": text.params, field: ""}
    max_length = model._meta.get_field(field).max_length
    return {field: str(text or "")[:max_length]}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
_AMOUNT = re.compile(r"^[€\s\u00a0]*(-?[\d.,\u00a0]+?)[\s\u00a0]*€?$")


def _match(text: Text, literal: str) -> Params | None:
    template = str(text.template)
    pattern, last = [], 0
    for placeholder in _PLACEHOLDER.finditer(template):
        pattern.append(re.escape(template[last : placeholder.start()]))
        name, kind = placeholder.groups()
        pattern.append(rf"(?P<{name}>\d+)" if kind == "d" else rf"(?P<{name}>.+?)")
        last = placeholder.end()
    pattern.append(re.escape(template[last:]))
    found = re.fullmatch("".join(pattern), literal, flags=re.DOTALL)
    if found is None:
        return None
    params: Params = {}
    for name, value in found.groupdict().items():
        if name in text.money:
            amount = _amount(value)
            if amount is None:
                return None
            params[name] = amount
        elif name in text.moments:
            return None  # a formatted moment cannot be read back reliably: keep the literal
        elif name in text.labels:
            code = _label_code(text.labels[name], value)
            if code is None:
                return None
            params[name] = code
        elif _PLACEHOLDER.search(template) and f"%({name})d" in template:
            params[name] = int(value)
        else:
            params[name] = value
    return params


def _amount(value: str) -> str | None:
    found = _AMOUNT.match(value.strip())
    if not found:
        return None
    digits = found.group(1).replace("\u00a0", "")
    if re.search(r",\d{2}$", digits):  # German: 1.234,50
        digits = digits.replace(".", "").replace(",", ".")
    else:
        digits = digits.replace(",", "")
    try:
        return str(Decimal(digits))
    except InvalidOperation:
        return None


def _label_code(label: Callable[[str], str], words: str) -> str | None:
    choices = getattr(label, "choices", None)
    if choices is None:
        return None
    for code in choices:
        if label(code) == words:
            return code
    return None


def choice_label(choices: Mapping[str, Promise | str]) -> Callable[[str], str]:
    """A `labels` function for the codes of a TextChoices (`dict(Model.Kind.choices)`); an
    unknown code is shown as it is."""

    def label(code: str) -> str:
        return str(choices.get(code, code))

    label.choices = tuple(choices)  # type: ignore[attr-defined]
    return label


def literals_to_codes(
    model: type[Model], registry: TextRegistry, field: str = "note", batch: int = 500
) -> int:
    """For a data migration: give every row whose `field` holds a text the registry knows (in
    German or English, as an older version wrote it) its code and parameters, and empty the
    literal. Rows that match no text keep their literal. Returns the number of rows changed."""
    code_field, params_field = f"{field}_code", f"{field}_params"
    rows = model._default_manager.filter(**{code_field: ""}).exclude(**{field: ""})
    changed, pending = 0, []
    for row in rows.only("pk", field).iterator(chunk_size=batch):
        stored = registry.parse(getattr(row, field))
        if stored is None:
            continue
        setattr(row, code_field, stored.code)
        setattr(row, params_field, stored.params)
        setattr(row, field, "")
        pending.append(row)
        if len(pending) >= batch:
            model._default_manager.bulk_update(pending, [code_field, params_field, field])
            changed, pending = changed + len(pending), []
    if pending:
        model._default_manager.bulk_update(pending, [code_field, params_field, field])
        changed += len(pending)
    return changed


def codes_to_literals(
    model: type[Model], registry: TextRegistry, field: str = "note", language: str = "de"
) -> int:
    """The reverse of `literals_to_codes` (a migration rolled back): coded rows get their text,
    in `language`, as their literal."""
    code_field, params_field = f"{field}_code", f"{field}_params"
    rows = list(
        model._default_manager.exclude(**{code_field: ""}).only("pk", code_field, params_field)
    )
    with translation.override(language):
        for row in rows:
            literal = registry.render(getattr(row, code_field), getattr(row, params_field))
            setattr(row, field, literal[: model._meta.get_field(field).max_length])
    model._default_manager.bulk_update(rows, [field], batch_size=500)
    return len(rows)
