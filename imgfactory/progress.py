"""A terminal progress bar that also works when output is not a terminal (CI, pipes)."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.interactive = stream.isatty()
        self._last = ""

    def render(self, progress: int, status: str, step: str) -> str:
        filled = round(self.width * progress / 100)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"[{bar}] {progress:3d}%  {status:<10} {step}"

    def update(self, progress: int, status: str, step: str) -> None:
        line = self.render(progress, status, step)
        if line == self._last:
            return
        self._last = line
        if self.interactive:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        """Print a line above the bar (a log line), then redraw the bar."""
        if self.interactive:
            self.stream.write("\r\033[K" + text + "\n" + self._last)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive and self._last:
            self.stream.write("\n")
            self.stream.flush()
