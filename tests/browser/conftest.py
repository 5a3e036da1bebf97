"""The console's browser fixtures (Chromium, the served stack, one tab per test) for every browser
test module; they are defined with the first browser tests, in test_console.py."""

from tests.browser.test_console import browser, console, console_stack  # noqa: F401
