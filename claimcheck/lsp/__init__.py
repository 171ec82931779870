"""claimcheck lsp: a Language Server over standard input and output (docs/lsp.md).

The modules, in the direction data flows: ``checking`` lints one editor buffer as `lint`
would lint the file (configuration, reader, engine) and returns a Report; ``positions``
converts the engine's offsets to the positions LSP clients count; ``diagnostics``,
``actions`` (with ``suppress``) and ``hover`` turn a Report into what the client shows;
``scheduler`` debounces and orders lints so that only the latest version of a buffer is
published; ``server`` wires them to pygls; ``command`` is the click command. Only ``server``
and ``command`` know pygls; lsprotocol's types are used throughout.
"""
