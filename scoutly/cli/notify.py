"""`scoutly notify`: send pending notifications (or the digest) and manage users' Apprise URLs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from scoutly.cli.common import console, open_db, run
from scoutly.config import get_settings
from scoutly.errors import InputError
from scoutly.notify import notify_new_matches
from scoutly.notify.deliver import user_mode, user_urls
from scoutly.notify.message import Message
from scoutly.notify.sender import send
from scoutly.notify.subscriptions import add_url, find_user, remove_url, set_mode, subscribers
from scoutly.redact import redact
from scoutly.storage.types import Document

notify_app = typer.Typer(
    help="Notifications via Apprise (email, ntfy, Telegram, ...). `notify send` sends; bare `notify` shows this help."
)

DigestOption = Annotated[bool, typer.Option("--digest", help="Send the digest to users in digest mode.")]
UserOption = Annotated[str | None, typer.Option("--user", help="Only this user.")]


def _send_pending(*, digest: bool, user: str | None) -> None:
    async def _send() -> None:
        async with open_db() as mongo:
            outcome = await notify_new_matches(mongo.db, get_settings(), user=user, digest=digest)
        console.print(
            f"{outcome.messages_sent} messages sent, {outcome.matches_notified} matches announced, "
            f"{outcome.failed_sends} failed sends, {outcome.pending} still pending"
        )
        for error in outcome.errors:
            console.print(f"[red]{redact(error)}[/red]")
        if outcome.failed_sends:
            raise typer.Exit(1)

    run(_send())


@notify_app.callback(invoke_without_command=True)
def notify_group(ctx: typer.Context, digest: DigestOption = False, user: UserOption = None) -> None:
    """Notifications via Apprise. `notify --digest` / `notify --user U` are kept as short forms of `notify send`."""
    if ctx.invoked_subcommand is not None:
        if digest or user is not None:
            raise typer.BadParameter(
                f"--digest/--user go after `send` (scoutly notify send --digest), not before `{ctx.invoked_subcommand}`"
            )
        return
    _send_pending(digest=digest, user=user)


@notify_app.command("send")
def send_command(digest: DigestOption = False, user: UserOption = None) -> None:
    """Send new matches not yet announced (run-mode users), or with --digest the daily digest."""
    _send_pending(digest=digest, user=user)


@notify_app.command("add")
def add(
    user: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    url: Annotated[str, typer.Argument(help="An Apprise URL, e.g. ntfy://topic or mailtos://user:pass@host.")],
) -> None:
    """Add an Apprise URL to USER."""

    async def _add() -> bool:
        async with open_db() as mongo:
            return await add_url(mongo.db, user, url)

    console.print("added" if run(_add()) else "already there")


@notify_app.command("remove")
def remove(
    user: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    url: Annotated[str, typer.Argument(help="The URL exactly as added.")],
) -> None:
    """Remove an Apprise URL from USER."""

    async def _remove() -> bool:
        async with open_db() as mongo:
            return await remove_url(mongo.db, user, url)

    if not run(_remove()):
        raise InputError(f"user {user}: that URL is not configured")
    console.print("removed")


@notify_app.command("mode")
def mode(
    user: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    value: Annotated[str, typer.Argument(metavar="run|digest", help="After each run, or only in the digest.")],
) -> None:
    """Choose when USER hears about new matches."""

    async def _mode() -> None:
        async with open_db() as mongo:
            await set_mode(mongo.db, user, value)

    run(_mode())
    console.print(f"{user}: {value}")


@notify_app.command("list")
def list_urls() -> None:
    """Users, their notification mode and URLs (secrets masked)."""

    async def _list() -> list[Document]:
        async with open_db() as mongo:
            return await subscribers(mongo.db)

    table = Table("user", "mode", "URLs")
    for doc in run(_list()):
        urls = [_masked(url) for url in user_urls(doc)]
        table.add_row(doc["_id"], user_mode(doc), "\n".join(urls) or "[dim](none)[/dim]")
    console.print(table)


@notify_app.command("test")
def test_message(user: Annotated[str, typer.Argument(help="The user's e-mail address.")]) -> None:
    """Send a test message to every URL of USER."""

    async def _test() -> list[tuple[str, bool]]:
        async with open_db() as mongo:
            doc = await find_user(mongo.db, user)
        if doc is None:
            raise InputError(f"user {user!r}: not found")
        message = Message("Scoutly test", "If you can read this, Scoutly can reach you.\n")
        return [(_masked(url), await send(url, message.title, message.body)) for url in user_urls(doc)]

    results = run(_test())
    if not results:
        raise InputError(f"user {user}: no notification URLs (add one with `scoutly notify add`)")
    for url, ok in results:
        console.print(f"{'✓' if ok else '✗'} {url}")
    if not all(ok for _, ok in results):
        raise typer.Exit(1)


def _masked(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest[:4]}…" if rest else url


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
