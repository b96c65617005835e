"""The context of the Log a session page's in-browser form (log-form.md.j2, log-form.js). Pure.

The form seals in the page what the program seals in a check-in, to the program's
recipients, and hands GitHub's new-file page only the sealed file. Everything it needs
is public already: the recipients' public keys and names from program.yaml, the field
names, the repository's new-file URL.
"""

from __future__ import annotations

import json

from ..layout import schema_line
from ..model import Program, Skill
from ..validate.sealed import sealed_fields
from .config import SiteSettings
from .contexts import LogFormContext

# the check-in fields the form asks that a program may seal, in the form's order, as the page names them
FORM_FIELDS = {"rating": "your rating", "good_fit": "the first-session fit answer", "next_steps": "next steps",
               "notes": "notes", "concern": "a concern"}


def log_form(program: Program, settings: SiteSettings) -> LogFormContext:
    """Recipients, sealed fields and the new-file URL for the form; empty recipients turn it off."""
    sealed = sorted(sealed_fields(program, "checkin"))
    skills: tuple[Skill, ...] = program.skills
    return {
        "recipients": [r.key for r in program.sealing.recipients],
        "recipients_json": json.dumps([r.key for r in program.sealing.recipients]),
        "recipient_names": [r.name for r in program.sealing.recipients],
        "sealed": sealed,
        "sealed_json": json.dumps(sealed),
        "sealed_labels": [words for field, words in FORM_FIELDS.items() if field in sealed],
        "new_url": settings.new_file_page(),
        "schema_line": schema_line("checkin").rstrip("\n"),
        "minutes": program.commitment.minutes,
        "skills": skills,
    }

