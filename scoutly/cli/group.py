"""CLI conventions shared by every command group: `-h` as `--help`, a bare group prints its help and exits 0,
and the global `--env-file` is accepted after the subcommand too."""

from __future__ import annotations

import difflib
import importlib
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:  # Typer vendors Click as `typer._click`: the Context and Command its group methods take
    from typer._click import Command, Context

HELP_OPTIONS = ["-h", "--help"]
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": HELP_OPTIONS}
GLOBAL_VALUE_OPTIONS = ("--env-file",)


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--env-file PATH` / `--env-file=PATH` found after the subcommand to the front, where the root group
    reads it. Arguments after `--` are left alone; a trailing `--env-file` without a value is left for the parser
    to report."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_VALUE_OPTIONS and "=" in arg:
            front.append(arg)
        elif arg in GLOBAL_VALUE_OPTIONS and index + 1 < len(args):
            front.extend(args[index : index + 2])
            index += 1
        else:
            rest.append(arg)
        index += 1
    return front + rest


class ScoutlyGroup(TyperGroup):
    """A command group that, called with no arguments at all, prints its help on stdout and exits 0 (like
    docker or a Typer app's `--help`) instead of running its callback or failing with a usage error."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            typer.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        if ctx.parent is None:
            args = hoist_global_options(args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        """A mistyped command says which one was probably meant (`No such command 'stauts'. Did you mean
        'status'?`)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and not ctx.resilient_parsing and self.get_command(ctx, name) is None:
            closest = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            if closest:
                ctx.fail(f"No such command {name!r}. Did you mean {closest[0]!r}?")
        return super().resolve_command(ctx, args)


def apply_conventions(app: typer.Typer) -> None:
    """Make every group registered under `app` (recursively) a `ScoutlyGroup`, whoever defined it."""
    for info in app.registered_groups:
        info.cls = ScoutlyGroup
        if info.typer_instance is not None:
            apply_conventions(info.typer_instance)


class LazyGroup(ScoutlyGroup):
    """The root group: each command's module is imported only when that command runs or help lists it, so
    `scoutly --version` or `scoutly status --help` do not pay for Playwright, Gemini or the processor.

    `lazy_commands` maps a command name to the `scoutly.cli` module whose `register(app)` defines it."""

    lazy_commands: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: Context) -> list[str]:
        return [*self.lazy_commands, *(name for name in super().list_commands(ctx) if name not in self.lazy_commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        module = self.lazy_commands.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        return _commands_of(module).get(cmd_name)


@cache
def _commands_of(module: str) -> dict[str, Command]:
    """The Click commands that `scoutly.cli.<module>.register` defines, with the group conventions applied."""
    holder = typer.Typer(rich_markup_mode="rich")
    importlib.import_module(f"scoutly.cli.{module}").register(holder)
    apply_conventions(holder)
    return dict(typer.main.get_group(holder).commands)
