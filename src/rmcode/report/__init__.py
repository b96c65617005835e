"""The progress report and what may be published."""
