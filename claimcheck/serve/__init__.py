"""`claimcheck serve`: a local review page for one draft.

``review.py`` is the engine side (lint a text, apply one finding's fix, decode an upload, encode
a download) and imports no web framework; ``app.py`` is the HTTP side (Starlette: the JSON API,
the page's own files, the security headers); ``command.py`` is the click command (the
configuration, the socket, uvicorn). Data flows command -> app -> review -> the engine.
"""
