"""Translations for templates, looked up once per locale and message instead of once per use.

Flask-Babel's template `_()` finds the request's locale and catalog through several context lookups on every
call; a page of forty task rows makes some two hundred such calls, a fifth of its rendering. The catalogs never
change while the process runs (Flask-Babel keeps them for its lifetime too), so a message translated for a locale
is remembered. The locale is still asked on each call, so `force_locale` (the annual report in Chinese) is obeyed.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Flask
from flask_babel import get_locale, get_translations, npgettext, pgettext

# Messages are the templates' literals, a few hundred; the bound only keeps a template that translated a computed
# string from growing the memory without end.
_MEMORY = 4096


@lru_cache(maxsize=_MEMORY)
def _translated(locale: Locale | None, message: str) -> str:
    # `locale` is part of the key only: get_translations() reads the same locale from the request.
    return str(get_translations().ugettext(message))


def gettext(message: str) -> str:
    """`message` in the request's language."""
    return _translated(get_locale(), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in the request's language (rare in templates: not remembered)."""
    return str(get_translations().ungettext(singular, plural, n))


def install(app: Flask) -> None:
    """Make templates translate through the remembered lookups (after Flask-Babel has set up its own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext,
    )
