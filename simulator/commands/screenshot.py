"""``lstm-sim screenshot``: render the main window offscreen to a PNG."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def screenshot_command(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise ValueError(f"{out.name}: the screenshot is a PNG; name it OUT.png")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from simulator.session import Session
    from simulator.ui.app import application

    app = application()
    session = Session(args.preset)
    if args.step > session.length:
        raise ValueError(f"--step {args.step}: preset {args.preset!r} has only {session.length} steps")
    image = render_window(app, session, args.step, args.size)
    if not image.save(str(out), "PNG"):
        raise OSError(f"cannot write {out}")
    print(f"saved {out} ({image.width()}x{image.height()})", file=sys.stderr)
    return 0


def render_window(app, session, step: int, size: tuple[int, int]):
    """The main window showing ``session`` at ``step``, as a QImage of ``size``."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from simulator.ui.main_window import MainWindow
    from simulator.ui.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(session, Settings(str(Path(folder) / "screenshot.conf")), restore=False)
        window.resize(*size)
        session.seek(step)
        window.show()
        for _ in range(5):
            app.processEvents()
            # Tab bars replaced while the docks were tabified go only on a deferred delete.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        window.diagram.fit()
        app.processEvents()
        image = window.grab().toImage()
        window.close()
    return image
