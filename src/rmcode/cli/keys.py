"""Commands for program keys: keygen, seal, rekey, erase."""

from __future__ import annotations

from pathlib import Path

import click

from .options import IDENTITY, ROOT


@click.command()
@click.option("--name", default="", help="Who will hold the key, for the line to paste into program.yaml.")
def keygen(name: str) -> None:
    """Print a new program key (an age identity) and its public key; writes no file.

    Save the secret lines in a file OUTSIDE the repository, readable only by you, then add the
    printed public key under sealing.recipients in program.yaml.

    \b
    Example:
      rmcode keygen --name "Lena Fischer (admin)" > ~/.config/rmcode/program.key
      chmod 600 ~/.config/rmcode/program.key
    """
    from ..api.keyring import new_identity

    secret, public = new_identity()
    click.echo(f"# rmcode program key. Keep this file secret and outside the repository.\n"
               f"# public key: {public}\n{secret}")
    label = name or "YOUR NAME (admin)"
    click.echo(f"""
Public key: {public}

1. Save the three lines above in a file outside the repository that only you can read
   (rmcode keygen > ~/.config/rmcode/program.key; chmod 600 ...). Never commit it.
2. Add the public key to program.yaml:
     sealing:
       recipients:
         - name: {label}
           key: {public}
3. Seal what is already there: rmcode seal --all  (then commit).
4. For the publish workflow, make a separate key and store its secret lines as the repository
   secret RMCODE_IDENTITY (Settings > Secrets and variables > Actions); list its public key too.
Read sealed values with --identity FILE or RMCODE_IDENTITY. See docs/sealing.md.""", err=True)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "everything", is_flag=True, help="Seal every data file of the program (migration).")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a sealed field holds plain text (pre-commit).")
@ROOT
def seal(files: tuple[Path, ...], everything: bool, check: bool, root: Path) -> None:
    """Encrypt the plain values of sealed fields in place, keeping comments and everything else.

    \b
    Example:
      rmcode seal checkins/ana--cleo/2026-02-10-ana.yaml
      rmcode seal --all          # after adding sealing.recipients to program.yaml
      rmcode seal --check participants/ana.yaml   # what the pre-commit hook runs
    """
    from ..api.keys import data_files, load_program_file, plain_problems, seal_files
    from ..errors import SchemaError

    if check and not files and not everything:
        return  # pre-commit passes no file when none of the staged files is program data
    if bool(files) == everything:
        raise click.UsageError("pass FILE... or --all")
    program = load_program_file(root)
    from ..api.keyring import data_file_path

    refs = data_files(root, None if everything else [data_file_path(root, f) for f in files])
    if check:
        problems = plain_problems(root, refs, program)
        if problems:
            raise SchemaError(problems)
        return
    changes = seal_files(root, refs, program)
    for change in changes:
        click.echo(f"sealed {change.values} value{'s' * (change.values != 1)} in {change.path}")
    total = sum(c.values for c in changes)
    click.echo(f"{total} value{'s' * (total != 1)} sealed in {len(changes)} file{'s' * (len(changes) != 1)}"
               + ("; earlier commits still hold the plain text: see docs/sealing.md (git filter-repo)"
                  if total else ""))


@click.command()
@IDENTITY
@ROOT
def rekey(identity: Path | None, root: Path) -> None:
    """Re-encrypt every sealed value to the recipients program.yaml lists now.

    Run it after an admin leaves or a key is lost, with a key that can open the values today.

    \b
    Example:
      rmcode rekey --identity ~/.config/rmcode/program.key
    """
    from ..api.keyring import read_keyring
    from ..api.keys import data_files, load_program_file, rekey_files

    keyring = read_keyring(identity)
    if not keyring:
        raise click.UsageError("rekey needs a key that opens the sealed values: --identity OLD or RMCODE_IDENTITY")
    program = load_program_file(root)
    changes = rekey_files(root, data_files(root), program, keyring)
    total = sum(c.values for c in changes)
    click.echo(f"{total} sealed value{'s' * (total != 1)} re-encrypted to {len(program.sealing.recipients)} "
               f"recipient{'s' * (len(program.sealing.recipients) != 1)} in {len(changes)} "
               f"file{'s' * (len(changes) != 1)}")


@click.command()
@click.argument("login")
@ROOT
def erase(login: str, root: Path) -> None:
    """Remove a withdrawn person's files: profile, their check-ins and survey answers.

    \b
    Example:
      rmcode erase ana && git commit -am "Erase ana (withdrew)"
    Earlier commits keep the files; see docs/sealing.md for what remains and how to rewrite history.
    """
    from ..api.keys import erase_files

    gone = erase_files(root, login)
    if not gone:
        raise click.ClickException(f"no files of {login} in {root}")
    for path in gone:
        click.echo(f"removed {path}")
    click.echo(f"{len(gone)} file{'s' * (len(gone) != 1)} removed. Git history still holds them: their sealed "
               "values only as ciphertext, anything never sealed as plain text (docs/sealing.md).")
