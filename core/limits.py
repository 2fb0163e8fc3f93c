"""Limits shared by every app's free text, so a form, the admin and an import refuse the same thing."""

# Characters in a note, a description or any other free text a person types (about 1,500 words).
# Without it, a 2 MB paste was accepted and every page showing it grew to match.
LONG_TEXT_MAX = 10_000
