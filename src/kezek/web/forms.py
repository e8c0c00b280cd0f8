"""Reading page forms and turning refusals into translated messages next to the fields."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError

from kezek.errors import AppError
from kezek.web.i18n import translate
from kezek.web.messages import ERROR_TEXT, FIELD_FORMAT, GENERIC_ERROR, RULES, VALIDATION

FORM_LEVEL = ""  # the key of errors that belong to no single field
_FIELD_WORDED = frozenset({"string_pattern_mismatch", "string_too_short", "missing"})


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (file uploads ignored); the CSRF check has already read them."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormData = Annotated[dict[str, str], Depends(read_form)]


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def error_text(locale: str, err: AppError) -> str:
    """The translated message of a refusal, by its code."""
    text = translate(locale, ERROR_TEXT.get(err.code, GENERIC_ERROR))
    if err.code == "too_many_attempts":
        return text % {"seconds": (err.headers or {}).get("Retry-After", "60")}
    return text


def _default_field(loc: tuple[Any, ...]) -> str:
    return "_".join(str(part) for part in loc if isinstance(part, str))


def validation_errors(
    err: ValidationError,
    locale: str,
    *,
    field_of: Callable[[tuple[Any, ...]], str] = _default_field,
) -> dict[str, str]:
    """Field name -> translated message, first problem of each field only."""
    found: dict[str, str] = {}
    for problem in err.errors():
        field, text = _describe(problem, locale, field_of)
        found.setdefault(field, text)
    return found


def _describe(
    problem: Any, locale: str, field_of: Callable[[tuple[Any, ...]], str]
) -> tuple[str, str]:
    kind, ctx = problem["type"], problem.get("ctx") or {}
    field = field_of(tuple(problem["loc"]))
    if kind == "value_error":
        rule = RULES.get(str(ctx.get("error", "")))
        if rule:
            return rule[0], translate(locale, rule[1])
        return field, str(ctx.get("error", problem["msg"]))
    if kind in _FIELD_WORDED and field in FIELD_FORMAT:
        return field, translate(locale, FIELD_FORMAT[field])
    if kind in VALIDATION:
        return field, translate(locale, VALIDATION[kind]) % {k: str(v) for k, v in ctx.items()}
    return field, str(problem["msg"])
