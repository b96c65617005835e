"""Reaching people outside Git: reminders and announcements planned from the program."""
