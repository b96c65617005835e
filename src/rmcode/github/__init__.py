"""What rmcode knows about GitHub: authorization, check-pr verdicts, CODEOWNERS, issue forms."""
