"""Browser tests (Playwright + Debian Chromium) of the built site."""
