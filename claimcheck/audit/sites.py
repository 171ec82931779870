"""The site of a page: the registered domain of its URL (the part of the host a publisher
registers, "healthday.com" for "consumer.healthday.com", "bbc.co.uk" for "www.bbc.co.uk"),
so that an audit rolls a publisher's pages up together.

* The public suffix list comes from tldextract's bundled snapshot: nothing is fetched and
  nothing is cached on disk at run time (``suffix_list_urls=()``, ``cache_dir=None``).
* Private suffixes count (``include_psl_private_domains``): each blog on blogspot.com, each
  site on github.io is its own publisher, not one site of millions of pages.
* An archived copy counts for the page it archives: ``web.archive.org/web/<time>/<url>``,
  ``archive.today`` and its mirrors (``archive.ph/<time>/<url>``, ``archive.is/o/<id>/<url>``),
  Google's cache (``webcache.googleusercontent.com/search?q=cache:<url>``).
* A host that is an IP address, or a name with no public suffix ("localhost", "intranet"), is
  its own site.
"""
from __future__ import annotations

import functools
import re
from urllib.parse import unquote, urlsplit

# the archives whose URLs hold the archived page's URL, and where: after "/web/<time>/" on the
# Wayback Machine, after "/<time>/" or "/o/<id>/" on archive.today's names
_ARCHIVED = re.compile(
    r"""^(?:https?://)?(?:www\.)?(?:
          (?:web\.)?archive\.org/web/[^/]*/
        | archive\.(?:today|ph|is|li|vn|fo|md)/(?:o/[^/]+/|\d{4}[\d.-]*/|newest/|oldest/)
        | webcache\.googleusercontent\.com/search\?q=cache:(?:[^:]+:)?
        )(?P<url>.+)$""", re.I | re.X)


def site_of(url: str | None) -> str | None:
    """The registered domain of a URL (of the archived page's, for an archive's copy),
    lower-case; the host itself where it has no public suffix; None without a host."""
    if not url:
        return None
    url = archived_url(url.strip())
    host = _host(url)
    if not host:
        return None
    return _registered_domain(host)


def archived_url(url: str) -> str:
    """The URL an archive's copy is of (archives of archives unwrapped), else the URL itself."""
    for _ in range(4):
        m = _ARCHIVED.match(url)
        if not m:
            break
        inner = unquote(m.group("url")) if "%3a" in m.group("url")[:12].lower() else m.group("url")
        url = inner if "://" in inner[:12] else "http://" + inner
    return url


_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!//|\d)", re.I)  # javascript:, mailto:, data: (not host:port)


def _host(url: str) -> str | None:
    if "://" not in url[:12]:
        if _OTHER_SCHEME.match(url):
            return None  # a URL of another kind has no host
        url = "http://" + url  # "example.com/page": a URL without its scheme
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    host = host.rstrip(".") if host else None
    return host if host and not any(c.isspace() for c in host) else None


@functools.lru_cache(maxsize=65536)
def _registered_domain(host: str) -> str:
    if _IP.match(host) or ":" in host:
        return host
    parts = _extract()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.")


_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


@functools.lru_cache(maxsize=1)
def _extract():
    import tldextract  # imported when a site is first asked for: audits and reports only

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                                 include_psl_private_domains=True)
