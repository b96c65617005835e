"""The rmcode command line: the group, its commands, and the exit-code contract."""

from __future__ import annotations

import sys
from typing import Any

import click

from . import __version__
from .commands import data, match
from .errors import RmcodeError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rmcode")
def cli() -> None:
    """Run a reverse mentoring program as code.

    \b
    Example:
      rmcode validate            # check the program in this folder
      rmcode validate --root demo --format json
    """


for command in (data.validate, data.schema, match.match):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: RmcodeError exits 1 with its problems; nothing prints a traceback."""
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
    except Exception as exc:  # the last line of defence: no traceback for a user
        click.echo(f"An unexpected error has occurred: {type(exc).__name__}: {exc}\n"
                   "Please report it at https://github.com/rmcode-dev/rmcode/issues", err=True)
        sys.exit(3)
