"""Browser tests: real headless Chromium (Debian's package) driven by Playwright for Python, with
axe-core for accessibility (the fixtures are in tests/browser_session.py, shared with the cluster's
browser test). Screenshots go to test-artifacts/ (git-ignored; CI keeps them)."""

from browser_session import accessibility_violations, artifacts, browser, page  # noqa: F401
