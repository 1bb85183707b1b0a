"""A sandboxed Django template engine for the templates the secretariat edits.

No loader (a user template cannot read a file), no `{% load %}`, no `{% include %}` / `{% extends %}` /
`{% debug %}` / `{% autoescape %}` / `{% csrf_token %}` / `{% url %}`, no `safe` filter, autoescape on.
Before a template is saved, `check()` compiles it and lists every variable it uses: each must be a field of
its kind (or a local name of a `{% for %}` / `{% with %}`); otherwise a French error, and nothing is saved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.template.defaulttags import ForNode, WithNode
from django.utils import translation

ALLOWED_TAGS = {
    "if", "for", "empty", "with", "comment", "now", "firstof", "cycle", "resetcycle", "ifchanged",
    "regroup", "spaceless", "verbatim", "widthratio", "filter", "templatetag", "lorem",
}  # fmt: skip
REFUSED_FILTERS = {"safe", "safeseq", "pprint", "escapejs", "json_script", "urlize", "urlizetrunc"}

# The library the sandbox sees: Django's default tags and filters, minus anything that reads files, loads
# code, turns escaping off or dumps the context.
library = Library()
library.tags = {name: fn for name, fn in defaulttags.register.tags.items() if name in ALLOWED_TAGS}
library.filters = {
    name: fn for name, fn in defaultfilters.register.filters.items() if name not in REFUSED_FILTERS
}

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def date_longue(value) -> str:
    """A date as an act writes it: « 1er juin 2026 », « 12 mars 2026 » (the ordinal for the first day)."""
    if not value or not hasattr(value, "month"):
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


library.filters["date_longue"] = date_longue


class TemplateProblem(ValidationError):
    """A template that cannot be saved or rendered; the message is French and names no person."""


class SandboxEngine(Engine):
    default_builtins: list[str] = []


ENGINE = SandboxEngine(
    dirs=[],
    app_dirs=False,
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={},
    builtins=[],
    autoescape=True,
    debug=True,  # gives the line of a syntax error
    string_if_invalid="",
)
ENGINE.template_builtins = [library]


def _line_of(error: Exception, source: str) -> int | None:
    debug = getattr(error, "template_debug", None)
    if debug and debug.get("line"):
        return int(debug["line"])
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "lineno", None):
        return int(token.lineno)
    return None


def _syntax_message(error: TemplateSyntaxError, source: str) -> str:
    text = str(error)
    line = _line_of(error, source)
    where = f" (ligne {line})" if line else ""
    if text.startswith("Invalid block tag"):
        tag = text.split("'")[1] if "'" in text else "?"
        if tag.startswith("end") or tag in {"else", "elif", "empty"}:
            return f"Balise « {tag} » inattendue{where} : une balise ouvrante manque ou est mal fermée."
        return f"Balise non autorisée ou inconnue : {{% {tag} %}}{where}."
    if text.startswith("Invalid filter"):
        name = text.split("'")[1] if "'" in text else "?"
        return f"Filtre non autorisé ou inconnu : « {name} »{where}."
    if text.startswith("Unclosed tag"):
        tag = text.split("'")[1] if "'" in text else "?"
        return f"Balise « {tag} » non fermée{where} : ajoutez {{% end{tag} %}}."
    return f"Erreur de syntaxe dans le modèle{where} : {text}"


def compile_template(source: str):
    """Compile `source` in the sandbox (TemplateProblem with a French message on a syntax error)."""
    if "\x00" in source:
        raise TemplateProblem("Le modèle contient un caractère interdit.")
    try:
        return ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(_syntax_message(error, source)) from None


# --- Which variables does a template use? ----------------------------------------------------------------

_SKIPPED_ATTRIBUTES = {"origin", "token", "template", "engine"}


def _used_variables(nodelist) -> tuple[list[tuple[str, int | None]], set[str]]:
    """(dotted path, line) of every variable the template reads, and the local names it defines."""
    used: list[tuple[str, int | None]] = []
    local: set[str] = {"forloop"}
    seen: set[int] = set()

    def add_variable(var: Variable, line: int | None) -> None:
        if var.lookups:
            used.append((".".join(var.lookups), line))

    def visit(obj, line: int | None) -> None:
        if id(obj) in seen or obj is None or isinstance(obj, str | int | float | bool):
            return
        seen.add(id(obj))
        if isinstance(obj, FilterExpression):
            if isinstance(obj.var, Variable):
                add_variable(obj.var, line)
            for _func, args in obj.filters:
                for is_var, arg in args:
                    if is_var and isinstance(arg, Variable):
                        add_variable(arg, line)
            return
        if isinstance(obj, Variable):
            add_variable(obj, line)
            return
        if isinstance(obj, list | tuple | NodeList):
            for item in obj:
                visit(item, line)
            return
        if isinstance(obj, dict):
            for item in obj.values():
                visit(item, line)
            return
        if isinstance(obj, Node):
            token = getattr(obj, "token", None)
            line = getattr(token, "lineno", None) or line
            if isinstance(obj, ForNode):
                local.update(obj.loopvars)
            if isinstance(obj, WithNode):
                local.update(obj.extra_context)
            for name in ("var_name", "variable_name", "asvar"):  # regroup, cycle, now/widthratio ... as
                value = getattr(obj, name, None)
                if isinstance(value, str):
                    local.add(value)
        if type(obj).__module__.startswith("django.template"):
            for name, value in vars(obj).items():
                if name not in _SKIPPED_ATTRIBUTES:
                    visit(value, line)

    visit(nodelist, None)
    return used, local


def _is_known(path: str, fields: dict[str, str], local: set[str]) -> bool:
    if path.split(".")[0] in local:
        return True
    return any(path == f or f.startswith(path + ".") or path.startswith(f + ".") for f in fields)


def check(source: str, fields: dict[str, str]) -> None:
    """Refuse (TemplateProblem) a template that does not compile or uses a variable outside `fields`."""
    template = compile_template(source)
    used, local = _used_variables(template.nodelist)
    unknown: list[tuple[str, int | None]] = []
    for path, line in used:
        if not _is_known(path, fields, local) and path not in [u for u, _ in unknown]:
            unknown.append((path, line))
    if unknown:
        listed = ", ".join(sorted(fields))
        messages = [
            f"Champ inconnu : {{{{ {path} }}}}" + (f" (ligne {line})" if line else "")
            for path, line in unknown
        ]
        raise TemplateProblem([*messages, f"Champs disponibles : {listed}."])


def render(source: str, context: dict) -> str:
    """Render `source` with `context` in the sandbox, in French (dates, numbers)."""
    template = compile_template(source)
    with translation.override("fr"):
        try:
            return template.render(Context(context, autoescape=True))
        except TemplateProblem:
            raise
        except Exception as error:  # a filter on a wrong type, etc.: never a broken PDF, never a 500
            raise TemplateProblem(
                f"Le modèle n'a pas pu être appliqué ({type(error).__name__}). Vérifiez les filtres utilisés."
            ) from None
