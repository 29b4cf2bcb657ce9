"""Text that changes every step does not lay out the window again: steady labels, panels in scroll areas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from simulator.ui.steady_label import SteadyLabel


class LayoutRequests(QObject):
    """Counts the layout requests ``widget`` receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def shown_in_a_row(qtbot, label: QLabel) -> QWidget:
    row = QWidget()
    qtbot.addWidget(row)
    layout = QHBoxLayout(row)
    layout.addWidget(label)
    layout.addWidget(QLabel("beside"))
    row.show()
    qtbot.waitExposed(row)
    qtbot.wait(20)  # the layout of the first show is done
    return row


def test_new_text_of_no_more_width_asks_for_no_layout(qtbot):
    label = SteadyLabel(min_width=40)
    label.setText("t = 100 / 1000")
    row = shown_in_a_row(qtbot, label)
    size = label.size()
    requests = LayoutRequests(row)
    for t in (101, 102, 5, 999):
        label.setText(f"t = {t} / 1000")
        qtbot.wait(1)
    assert requests.count == 0 and label.size() == size and label.text() == "t = 999 / 1000"


def test_a_wider_text_grows_the_label_once_and_it_never_shrinks(qtbot):
    label = SteadyLabel()
    label.setText("t = 1")
    row = shown_in_a_row(qtbot, label)
    narrow = label.maximumWidth()
    label.setText("t = 100000 / 300000  “a long word”")
    qtbot.waitUntil(lambda: label.width() > narrow)
    wide = label.width()
    assert wide >= label.fontMetrics().horizontalAdvance(label.text())
    label.setText("t = 2")
    qtbot.wait(5)
    assert label.width() == wide and row.isVisible()


def test_a_plain_label_asks_for_a_layout_each_time(qtbot):
    """What the steady label avoids (if Qt stops asking, the steady label is no longer needed)."""
    label = QLabel("t = 100 / 1000")
    row = shown_in_a_row(qtbot, label)
    requests = LayoutRequests(row)
    label.setText("t = 101 / 1000")
    qtbot.waitUntil(lambda: requests.count > 0)


def test_a_larger_font_fits_the_label_to_it(qtbot):
    label = SteadyLabel()
    label.setText("t = 12 / 40")
    row = shown_in_a_row(qtbot, label)
    height, width = label.height(), label.width()
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    qtbot.waitUntil(lambda: label.height() > height)
    assert label.width() > width and label.width() >= label.fontMetrics().horizontalAdvance("t = 12 / 40")
    assert row.isVisible()


def test_a_step_lays_out_the_changed_panels_but_not_the_window(qtbot):
    from simulator.ui import MainWindow

    window = MainWindow()
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    window.show()
    qtbot.waitExposed(window)
    window.session.step()
    qtbot.wait(50)  # the layout after the first step is done
    outer = {
        "window": window,
        "inputs dock": window.docks["inputs"],
        "inspector dock": window.docks["inspector"],
    }
    watched = {name: LayoutRequests(widget) for name, widget in outer.items()}
    panel_requests = [LayoutRequests(panel) for panel in (window.inputs_panel, window.inspector)]
    for _ in range(3):
        window.session.step()
        qtbot.wait(30)
    # The panels did lay out again (the inputs box names the new step, the formula is new)...
    assert window.inputs_panel.step_box.title().startswith("Input of step 4")
    assert all(requests.count > 0 for requests in panel_requests)
    # ...and their scroll areas kept that from the docks and the window.
    assert {name: requests.count for name, requests in watched.items()} == dict.fromkeys(outer, 0)
