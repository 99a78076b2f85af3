"""A plan on screen as URL query parameters, and back (no Streamlit import; tested directly).

``plan`` names the base plan (a shipped stem, ``lib:<saved id>``, ``new`` with ``prov``/``year``/
``last``, or ``upload``); ``lv`` holds the levels that differ from it in percent, exactly
(``par_index.g1_direction:72.5,…``); ``tg`` the targets that differ (``papi:46.5:15,…``); then
``draws``, ``seed`` and ``lang``. A link is untrusted input: every value is read with a bounded
parser (ASCII digits only, at most :data:`MAX_PARAM` characters per parameter and :data:`MAX_ITEMS`
items); what cannot be read is dropped and listed in ``SharedView.ignored`` so the app can say so.
Range checks against the app's limits (draws, seed) are the app's.

A link is only worth sharing on an address others can open: :func:`public_address` takes it from
``APP_PUBLIC_URL``, else from Streamlit's ``browser.serverAddress`` (with ``browser.serverPort``
and ``server.baseUrlPath``), else it says that none is set (``source`` ``"browser"`` or
``"local"``) so the app can say so instead of offering a localhost link as shareable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from simulator.scenario import Scenario

MAX_PARAM = 4096  # characters in one query parameter; a longer one is ignored
MAX_ITEMS = 200  # items in one list parameter (lv, tg, last); the rest are ignored
_SHOWN = 40  # characters of an ignored value quoted back to the user
_INT = re.compile(r"[+-]?[0-9]{1,30}")
_FLOAT = re.compile(r"[+-]?([0-9]{1,15}(\.[0-9]{0,20})?|\.[0-9]{1,20})")


ENV_PUBLIC_URL = "APP_PUBLIC_URL"
_LOOPBACK = re.compile(r"(localhost|127(\.[0-9]{1,3}){3}|0\.0\.0\.0|::1?|)", re.I)


@dataclass(frozen=True)
class PublicAddress:
    """Where a shared link points.

    ``source`` is ``"env"`` (``APP_PUBLIC_URL``), ``"config"`` (``browser.serverAddress``),
    ``"browser"`` (no address set; the address this browser uses, not a loopback one) or
    ``"local"`` (no address set and the app is opened on this machine only). ``refused`` holds an
    ``APP_PUBLIC_URL`` that is not a full http(s) address (it was not used).
    """

    base: str
    source: str
    refused: str = ""

    @property
    def shareable(self) -> bool:
        return self.source in ("env", "config")

    def link(self, params: dict[str, str]) -> str:
        return f"{self.base}?{urlencode(params)}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.0.0.1``, ``::1``, ``0.0.0.0``)."""
    return bool(_LOOPBACK.fullmatch(host.strip("[]")))


def public_address(
    env: str | None, server_address: str, server_port: int, base_path: str, seen: str | None
) -> PublicAddress:
    """The address a shared link points at: ``env``, else the configured server address, else ``seen``.

    Parameters
    ----------
    env
        ``APP_PUBLIC_URL``: a full ``http(s)://host[:port][/path]`` address, used as it is.
    server_address, server_port, base_path
        Streamlit's ``browser.serverAddress`` (a host, optionally with scheme and path),
        ``browser.serverPort`` and ``server.baseUrlPath``; a loopback address counts as not set.
    seen
        The address this browser uses (``st.context.url``), without its query.

    Examples
    --------
    >>> public_address("https://mophong.example.org/app", "localhost", 8501, "", None).base
    'https://mophong.example.org/app/'
    >>> public_address(None, "10.0.0.5", 8501, "sim", "http://localhost:8501/sim").base
    'http://10.0.0.5:8501/sim/'
    >>> public_address(None, "localhost", 8501, "", "http://localhost:8501/").source
    'local'
    """
    refused = ""
    if env and env.strip():
        parts = urlsplit(env.strip())
        if parts.scheme in ("http", "https") and parts.hostname and not (parts.query or parts.fragment):
            return PublicAddress(env.strip().rstrip("/") + "/", "env")
        refused = _quote(env.strip())
    address = (server_address or "").strip()
    parts = urlsplit(address if "://" in address else f"http://{address}")
    if parts.hostname and not is_loopback(parts.hostname):
        port = parts.port or server_port
        host = parts.netloc if parts.port or port in (80, 443) else f"{parts.netloc}:{port}"
        path = "/".join(p for p in (parts.path.strip("/"), base_path.strip("/")) if p)
        return PublicAddress(f"{parts.scheme}://{host}/{path + '/' if path else ''}", "config", refused)
    if seen:
        seen_parts = urlsplit(seen)
        base = seen.split("?")[0].split("#")[0]
        base += "" if seen_parts.path else "/"
        local = seen_parts.hostname is None or is_loopback(seen_parts.hostname)
        return PublicAddress(base, "local" if local else "browser", refused)
    path = base_path.strip("/")
    return PublicAddress(f"http://localhost:{server_port}/{path + '/' if path else ''}", "local", refused)


@dataclass(frozen=True)
class SharedView:
    """What a link asks for."""

    plan: str = ""
    province: str = ""
    year: int | None = None
    last: dict[str, tuple[float | None, int | None]] = field(default_factory=dict)
    levels: dict[str, dict[str, float]] = field(default_factory=dict)  # fractions
    targets: dict[str, tuple[float, int]] = field(default_factory=dict)
    draws: int | None = None
    seed: int | None = None
    lang: str | None = None
    ignored: tuple[tuple[str, str], ...] = ()


def encode(
    base: Scenario,
    levels: dict[str, dict[str, float]],
    targets: dict[str, tuple[float, int]],
    *,
    plan: str,
    draws: int,
    seed: int,
    lang: str,
    new: tuple[str, int, dict[str, tuple[float | None, int | None]]] | None = None,
) -> dict[str, str]:
    """Query parameters for the current view; ``levels`` are fractions, written in percent."""
    out = {"plan": plan}
    if new is not None:
        province, year, last = new
        out["prov"], out["year"] = province, str(year)
        given = [f"{i}:{_num(s)}:{'' if r is None else r}" for i, (s, r) in last.items() if s is not None]
        if given:
            out["last"] = ",".join(given)
    changed = [
        f"{i}.{g.id}:{percent_text(levels[i][g.id])}"
        for i, p in base.indices.items()
        for g in p.groups
        if i in levels and g.id in levels[i] and levels[i][g.id] != g.planned
    ]
    if changed:
        out["lv"] = ",".join(changed)
    moved = [
        f"{i}:{_num(s)}:{r}"
        for i, (s, r) in targets.items()
        if i in base.indices and (s, r) != (base.indices[i].target_score, base.indices[i].target_rank)
    ]
    if moved:
        out["tg"] = ",".join(moved)
    out.update(draws=str(draws), seed=str(seed), lang=lang)
    return out


def decode(params: Mapping[str, object]) -> SharedView:
    """Read a link's parameters; malformed parts are dropped and listed in ``ignored``."""
    ignored: list[tuple[str, str]] = []

    def text(name: str) -> str:
        value = params.get(name)
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > MAX_PARAM:
            ignored.append((name, _quote(value)))
            return ""
        return value

    def items(name: str) -> list[str]:
        parts = [v for v in text(name).split(",") if v]
        if len(parts) > MAX_ITEMS:
            ignored.append((name, _quote(f"{len(parts)} items")))
        return parts[:MAX_ITEMS]

    def number(name: str, parse):  # type: ignore[no-untyped-def]
        raw = text(name)
        value = parse(raw) if raw else None
        if raw and value is None:
            ignored.append((name, _quote(raw)))
        return value

    levels: dict[str, dict[str, float]] = {}
    for item in items("lv"):
        key, _, value = item.rpartition(":")
        index_id, _, group = key.partition(".")
        level = _float(value)
        if index_id and group and level is not None and 0 <= level <= 100:
            levels.setdefault(index_id, {})[group] = fraction(value)
        else:
            ignored.append(("lv", _quote(item)))
    targets: dict[str, tuple[float, int]] = {}
    for item in items("tg"):
        parts = item.split(":")
        score, rank = (_float(parts[1]), _int(parts[2])) if len(parts) == 3 else (None, None)
        if score is not None and rank is not None:
            targets[parts[0]] = (score, rank)
        else:
            ignored.append(("tg", _quote(item)))
    last: dict[str, tuple[float | None, int | None]] = {}
    for item in items("last"):
        parts = item.split(":")
        score = _float(parts[1]) if len(parts) == 3 else None
        if score is not None:
            last[parts[0]] = (score, _int(parts[2]))
        else:
            ignored.append(("last", _quote(item)))
    lang = text("lang")
    if lang and lang not in ("vi", "en"):
        ignored.append(("lang", _quote(lang)))
    return SharedView(
        plan=text("plan"),
        province=text("prov"),
        year=number("year", _int),
        last=last,
        levels=levels,
        targets=targets,
        draws=number("draws", _int),
        seed=number("seed", _int),
        lang=lang if lang in ("vi", "en") else None,
        ignored=tuple(ignored),
    )


def _quote(value: object) -> str:
    shown = value if isinstance(value, str) else type(value).__name__
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"


def _num(x: float) -> str:
    """``x`` in the fewest digits that read back exactly (``86``, ``87.5``)."""
    return format(Decimal(repr(float(x))).normalize(), "f")


def percent_text(fraction: float) -> str:
    """``fraction`` in percent, exactly: ``percent_text(0.725) == '72.5'`` (decimal, no binary rounding)."""
    return format((Decimal(repr(float(fraction))) * 100).normalize(), "f")


def fraction(percent: float | str) -> float:
    """A percent from a link back to the fraction it was written from (``'72.5'`` -> ``0.725``)."""
    return float(Decimal(str(percent)) / 100)


def _int(value: str) -> int | None:
    return int(value) if _INT.fullmatch(value) else None


def _float(value: str) -> float | None:
    return float(value) if _FLOAT.fullmatch(value) else None
