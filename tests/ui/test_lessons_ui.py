"""Lessons in the window: save, open, recent files, the unsaved-changes prompt, words as inputs."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from simulator.ui import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    return win


def test_save_then_open_restores_the_lesson(window, tmp_path):
    session = window.session
    session.seek(3)
    window.edits.set_weight("output", "bias", (2,), 1.25)
    assert window.isWindowModified()
    path = tmp_path / "class.lstm.json"
    assert window.lesson_files.save_to(path)
    assert not window.isWindowModified()
    saved_params = session.params
    window.edits.set_weight("output", "bias", (2,), -3.0)
    session.seek(7)
    assert window.lesson_files.open_path(path, ask=False)
    assert session.params == saved_params and session.t == 3
    assert window.lesson_files.recent()[0] == str(path.resolve())
    assert window.findChild(type(window.file_menu), "menu_recent").actions()[0].text() == path.name


def test_a_lesson_brings_back_its_theme(window, tmp_path):
    from simulator.ui import themes

    window.actions_by_name["action_theme_high_contrast"].trigger()
    path = tmp_path / "dark.lstm.json"
    assert window.lesson_files.save_to(path)
    window.actions_by_name["action_theme_light"].trigger()
    assert themes.current_theme(window) == "light"
    assert window.lesson_files.open_path(path, ask=False)
    assert themes.current_theme(window) == "high_contrast"
    themes.apply_theme(window, "light")  # the palette is the whole app's: leave it as found


def test_bad_lesson_leaves_the_open_one_untouched(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    bad = tmp_path / "broken.lstm.json"
    bad.write_text('{"format": "lstm-sim-lesson", "version": 1, "weights": ')
    window.session.seek(2)
    params, t = window.session.params, window.session.t
    assert not window.lesson_files.open_path(bad, ask=False)
    assert shown and shown[0].startswith("broken.lstm.json: not valid JSON")
    assert window.session.params == params and window.session.t == t


@pytest.mark.parametrize(
    ("answer", "closes"),
    [(QMessageBox.StandardButton.Cancel, False), (QMessageBox.StandardButton.Discard, True)],
)
def test_closing_with_unsaved_changes_asks(window, monkeypatch, answer, closes):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args[1]) or answer)
    window.show()
    window.edits.set_weight("forget", "bias", (1,), 2.0)
    window.close()
    assert asked == ["Unsaved changes"]
    assert window.isVisible() is not closes


def test_closing_without_changes_does_not_ask(window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: pytest.fail("asked"))
    window.show()
    window.session.seek(4)  # moving in time is not an edit
    window.close()
    assert not window.isVisible()


def test_typed_sentence_becomes_the_inputs(window):
    window.open_preset("sentence")
    box = window.inputs_panel.sentence
    assert box.isVisibleTo(window.inputs_panel)
    preset_labels = window.session.step_labels
    box.field.setText("The plot was not good, zebra!")
    assert box.apply()
    session = window.session
    assert session.step_labels == ("the", "plot", "was", "not", "good", "<unk> (zebra)")
    vocabulary = box.vocabulary
    assert session.inputs.shape == (6, vocabulary.size)
    assert session.inputs[5, vocabulary.index("<unk>")] == 1.0
    assert "zebra" in box.message.text()
    window.undo_stack.undo()
    assert session.step_labels == preset_labels


def test_word_box_hidden_for_numeric_presets(window):
    assert not window.inputs_panel.sentence.isVisibleTo(window.inputs_panel)


def test_command_line_opens_a_lesson(tmp_path):
    from simulator.io.lessons import save_lesson
    from simulator.session import Session

    session = Session("counter")
    session.seek(2)
    path = save_lesson(session.snapshot(), tmp_path / "c.lstm.json")
    settings = tmp_path / "s.conf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LSTM_SIM_SETTINGS": str(settings)}
    done = subprocess.run([sys.executable, "-m", "simulator", str(path), "--quit-after", "800"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "last_preset=counter" in settings.read_text()
    missing = subprocess.run([sys.executable, "-m", "simulator", str(tmp_path / "nope.lstm.json")],
                             capture_output=True, text=True, timeout=120, env=env)
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("lstm-sim: error: nope.lstm.json: cannot read")
    np.testing.assert_array_equal(session.inputs, Session("counter").inputs)
