"""claimcheck lsp: the click command. It imports pygls only when it runs, so that `claimcheck
--help` and `claimcheck lsp --help` work without the lsp extra."""
from __future__ import annotations

import importlib

import click

from ..cli_common import fail

NEEDS_LSP = "claimcheck lsp needs the lsp extra: pip install 'claimcheck[lsp]'"


def require_pygls() -> None:
    """Exit 2 with one line naming the extra when pygls (or lsprotocol) is not installed."""
    try:
        for module in ("lsprotocol.types", "pygls.lsp.server"):
            importlib.import_module(module)
    except ImportError:
        fail(NEEDS_LSP)


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the only transport; "
                                            "accepted because editor clients pass it).")
def lsp_command(stdio: bool) -> None:
    """Run a Language Server on standard input and output: findings as diagnostics while you
    type in Markdown, HTML and plain text, quick fixes (the suggested replacement, the missing
    warning, a suppression comment) and the rule on hover. The workspace's claimcheck.toml or
    [tool.claimcheck] applies as for 'lint'. Editor set-up: docs/lsp.md."""
    require_pygls()
    from .server import serve

    serve()
