"""The rmcode command line: the group, its commands, and the exit-code contract."""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ..errors import RmcodeError

# command name -> (module under rmcode.cli, attribute). Modules are imported only when
# their command runs, so `rmcode validate` never pays for scipy, matplotlib or mkdocs.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("data", "validate"), "schema": ("data", "schema"),
    "match": ("match", "match"), "impact": ("match", "impact"),
    "status": ("progress", "status"), "report": ("progress", "report"),
    "build": ("site", "build"), "serve": ("site", "serve"),
    "init": ("init", "init"), "register": ("init", "register"), "log": ("init", "log"),
    "forms": ("init", "forms"),
    "check-pr": ("pr", "check_pr"), "pr-summary": ("pr", "pr_summary"), "from-issue": ("pr", "from_issue"),
    "codeowners": ("pr", "codeowners"), "nudge": ("pr", "nudge"),
    "survey": ("survey", "survey"),
    "calendar": ("reach", "calendar"), "notify": ("reach", "notify"),
    "keygen": ("keys", "keygen"), "seal": ("keys", "seal"), "rekey": ("keys", "rekey"), "erase": ("keys", "erase"),
    "roster": ("roster", "roster"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (the pattern from click's docs)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(f"rmcode.cli.{target[0]}")
        command: click.Command = getattr(module, target[1])
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rmcode")
def cli() -> None:
    """Run a reverse mentoring program as code.

    \b
    Example:
      rmcode build               # build the program's site into site-out/
      rmcode validate            # check the program in this folder
      rmcode status --as-of 2026-11-25
    """


def main(argv: list[str] | None = None) -> object:
    """Entry point: RmcodeError exits 1 with its problems; nothing prints a traceback.

    Returns what the command returned (None for every rmcode command), as click's ``main`` does.
    """
    try:
        return cli.main(args=argv, prog_name="rmcode", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except RmcodeError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001  (the last line of defence: no traceback for a user)
        click.echo(f"An unexpected error has occurred: {type(exc).__name__}: {exc}\n"
                   "Please report it at https://github.com/rmcode-dev/rmcode/issues", err=True)
        sys.exit(3)
